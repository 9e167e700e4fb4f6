using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

/// <summary>
/// Books every listed seat or none. A <see cref="DeskCommand.Tutorial"/> booking follows the tutorial's rule:
/// a passenger who already sits somewhere on the flight gives that seat up in the same commit, and the
/// booking it belonged to is cancelled (a tutorial booking is always one seat).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BookSeats(
    IReadOnlyList<(string Seat, string Name)> Seats,
    string Reference,
    string ManageTokenHash,
    Buyer Buyer) : DeskCommand<BookResult>
{
    internal override BookResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.Event.Sales.RefusalAt(map.NowMs) is { } closed)
            return new BookResult.NotOnSale(closed);
        if (map.Event.IsPaid)
            return new BookResult.CheckoutRequired();
        var (indexes, refusal) = SeatSelection.Resolve(map, Seats.Select(s => s.Seat).ToArray());
        if (refusal is not null)
            return refusal;

        var moving = Tutorial
            ? Seats.Select(seat => map.SeatOccupiedBy(seat.Name)).Where(previous => previous >= 0).Distinct().ToArray()
            : [];
        // Decided before anything is staged: a refusal must leave the plan as it found it.
        if (Buyer.RefuseSeats(map, Seats.Count, moving.Count(seat => map.ClientOf(seat) == Buyer.Client)) is { } overCap)
            return overCap;
        foreach (var previous in moving)
        {
            var previousBooking = map.BookingOf(previous)!;
            plan.Release(map, previous);
            plan.Add(new CancelBooking(previousBooking));
        }
        return plan.BookAll(map, Reference, ManageTokenHash, Buyer.Client, indexes!, Seats.Select(s => s.Name).ToArray());
    }
}

/// <summary>
/// Picks the best <c>Names.Count</c> seats: adjacent in one row if possible, otherwise (unless
/// <c>Together</c>) the nearest ones. Picking inside the single writer means
/// concurrent requests never collide.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BookBestAvailable(
    IReadOnlyList<string> Names,
    bool Together,
    string? Category,
    string Reference,
    string ManageTokenHash,
    Buyer Buyer) : DeskCommand<BookResult>
{
    internal override BookResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.Event.Sales.RefusalAt(map.NowMs) is { } closed)
            return new BookResult.NotOnSale(closed);
        if (map.Event.IsPaid)
            return new BookResult.CheckoutRequired();
        if (Buyer.RefuseSeats(map, Names.Count) is { } overCap)
            return overCap;
        var (seats, refusal) = SeatSelection.Pick(map, Names.Count, Together, Category);
        return refusal ?? plan.BookAll(map, Reference, ManageTokenHash, Buyer.Client, seats!, Names);
    }
}

[GenerateSerializer, Immutable]
public abstract record CancelResult
{
    [GenerateSerializer, Immutable]
    public sealed record Cancelled : CancelResult;

    [GenerateSerializer, Immutable]
    public sealed record AlreadyCancelled : CancelResult;
}

/// <summary>Releases the booking's live seats and marks it cancelled, in one commit.</summary>
[GenerateSerializer, Immutable]
public sealed record CancelBookingSeats(string Reference, IReadOnlyList<string> LiveSeats) : DeskCommand<CancelResult>
{
    internal override CancelResult Decide(SeatMap map, BatchPlan plan)
    {
        var owned = new List<int>(LiveSeats.Count);
        foreach (var label in LiveSeats)
        {
            if (map.Layout.TryGetIndex(label, out var index) && map.BookingOf(index) == Reference)
                owned.Add(index);
        }
        // Another cancel of the same booking, earlier in this batch, already released its seats.
        if (owned.Count == 0 && LiveSeats.Count > 0)
            return new CancelResult.AlreadyCancelled();

        foreach (var index in owned)
            plan.Release(map, index);
        plan.Add(new CancelBooking(Reference));
        return new CancelResult.Cancelled();
    }
}
