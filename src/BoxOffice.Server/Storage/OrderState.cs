namespace BoxOffice.Server.Storage;

/// <summary>
/// Where an order stands, as <c>orders.state</c> keeps it. Its name (<see cref="OrderStates.Name"/>) is the
/// column's value, and also the <c>Status</c> that clients read.
/// </summary>
[GenerateSerializer]
public enum OrderState
{
    AwaitingPayment,
    Paid,
    Ticketed,
    Cancelled,
    Expired,
}

public static class OrderStates
{
    public static string Name(OrderState state) => state switch
    {
        OrderState.AwaitingPayment => "awaiting_payment",
        OrderState.Paid => "paid",
        OrderState.Ticketed => "ticketed",
        OrderState.Cancelled => "cancelled",
        _ => "expired",
    };

    public static OrderState Parse(string state) => state switch
    {
        "awaiting_payment" => OrderState.AwaitingPayment,
        "paid" => OrderState.Paid,
        "ticketed" => OrderState.Ticketed,
        "cancelled" => OrderState.Cancelled,
        "expired" => OrderState.Expired,
        _ => throw new InvalidDataException($"Unknown order state '{state}'."),
    };
}
