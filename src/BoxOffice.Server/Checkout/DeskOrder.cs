using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// What a desk knows of one order of its event: enough to decide webhooks and expiry inside the single
/// writer. The database stays the arbiter: every change the desk makes is a compare-and-set on <see cref="State"/>.
/// </summary>
public sealed class DeskOrder
{
    public required string OrderId { get; init; }

    public required string PaymentId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required string RequestHash { get; init; }

    public required long ExpiresAtMs { get; init; }

    /// <summary>Seat indexes with the name on each, in the order the buyer asked for them.</summary>
    public required IReadOnlyList<(int Seat, string Name)> Seats { get; init; }

    /// <summary>Only <see cref="Desk.SeatMap.SetState"/> moves it, so the map's count of open orders per client stays right.</summary>
    public required OrderState State { get; set; }

    /// <summary>The client that placed the order; null for orders from before per-client caps.</summary>
    public string? ClientKey { get; init; }

    public bool RefundDue { get; set; }

    /// <summary>Tickets issued so far, one per seat in the order of <see cref="Seats"/>.</summary>
    public int TicketsIssued { get; set; }

    /// <summary>Webhook outcomes already applied ("paid", "failed"): a repeated delivery changes nothing.</summary>
    public HashSet<string> PaymentsReceived { get; init; } = new(StringComparer.Ordinal);
}

public static class StoredOrderExtensions
{
    /// <summary>The desk's view of a stored order; seats the layout no longer has are left out.</summary>
    public static DeskOrder ToDeskOrder(this StoredOrder order, Layout layout) => new()
    {
        OrderId = order.OrderId,
        PaymentId = order.PaymentId,
        IdempotencyKey = order.IdempotencyKey,
        RequestHash = order.RequestHash,
        ExpiresAtMs = order.ExpiresAtMs,
        Seats = order.Seats.Select(seat => (layout.TryGetIndex(seat.Seat, out var index) ? index : -1, seat.Name)).Where(seat => seat.Item1 >= 0).ToArray(),
        State = order.State,
        RefundDue = order.RefundDue,
        TicketsIssued = order.TicketsIssued,
        PaymentsReceived = new HashSet<string>(order.PaymentsReceived, StringComparer.Ordinal),
        ClientKey = order.ClientKey,
    };
}
