namespace BoxOffice.Server.Desk;

/// <summary>
/// Who is asking the desk for seats, and how much that client may tie up on one event. The desk checks
/// the caps in its single writer, so parallel requests from one client cannot overshoot them together.
/// </summary>
/// <param name="Client">The client's key (its address); recorded on the booking or order.</param>
/// <param name="Caps">Null when <c>Limits:Enabled=false</c>.</param>
[GenerateSerializer, Immutable]
public sealed record Buyer(string Client, BuyerCaps? Caps)
{
    /// <summary>Refuses a request for <paramref name="seats"/> more seats, of which <paramref name="freed"/> the client gives up in the same commit.</summary>
    public BookResult? RefuseSeats(SeatMap map, int seats, int freed = 0)
    {
        if (Caps is null)
            return null;
        if (seats > Caps.SeatsPerOrder)
            return new BookResult.LimitReached("seats_per_order", Caps.SeatsPerOrder, $"At most {Caps.SeatsPerOrder} seats can be booked or ordered at once.");
        if (!map.Event.IsPaid && map.SeatsClaimedBy(Client) - freed + seats > Caps.SeatsPerClient)
            return new BookResult.LimitReached("seats_per_client", Caps.SeatsPerClient, $"One buyer may have at most {Caps.SeatsPerClient} seats on this event.");
        if (map.Event.IsPaid && map.OpenOrdersOf(Client) >= Caps.OpenOrdersPerClient)
            return new BookResult.LimitReached("open_orders_per_client", Caps.OpenOrdersPerClient, $"One buyer may have at most {Caps.OpenOrdersPerClient} unpaid orders on this event; pay or let one lapse first.");
        return null;
    }
}

/// <summary>The per-client caps of <c>Limits</c>, as the desk applies them.</summary>
[GenerateSerializer, Immutable]
public sealed record BuyerCaps(int SeatsPerOrder, int SeatsPerClient, int OpenOrdersPerClient);
