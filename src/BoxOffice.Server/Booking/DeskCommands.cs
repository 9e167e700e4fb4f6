using BoxOffice.Contracts;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

/// <summary>
/// A request to an event's desk. The desk stages it against its <see cref="SeatMap"/> (which may add
/// writes to the batch), and acknowledges it only after that batch has committed.
/// </summary>
public abstract class DeskCommand
{
    /// <summary>Reads are answered from committed state, before the batch's writes are staged.</summary>
    internal virtual bool IsRead => false;

    /// <summary>
    /// Sent by the tutorial's routes. Tutorial flights take only such commands and other events never do:
    /// <see cref="BookingDesks.SendAsync"/> answers as for an unknown event otherwise.
    /// </summary>
    public bool Tutorial { get; init; }

    internal abstract void Stage(SeatMap map, BatchPlan plan);

    internal abstract void Acknowledge();

    internal abstract void Fail(Exception error);
}

public abstract class DeskCommand<TResult> : DeskCommand where TResult : class
{
    private readonly TaskCompletionSource<TResult> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _outcome;

    public Task<TResult> Reply => _reply.Task;

    internal sealed override void Stage(SeatMap map, BatchPlan plan) => _outcome = Decide(map, plan);

    protected abstract TResult Decide(SeatMap map, BatchPlan plan);

    internal sealed override void Acknowledge() =>
        _reply.TrySetResult(_outcome ?? throw new InvalidOperationException("A command was acknowledged before it was staged."));

    internal sealed override void Fail(Exception error) => _reply.TrySetException(error);
}

/// <summary>Answers a question about the committed seat map on the desk's own thread.</summary>
public sealed class ReadSeatMap<TResult>(Func<SeatMap, TResult> read) : DeskCommand<TResult> where TResult : class
{
    internal override bool IsRead => true;

    protected override TResult Decide(SeatMap map, BatchPlan plan) => read(map);
}

public abstract record BookResult
{
    public sealed record Booked(string Reference, IReadOnlyList<BookedSeat> Seats) : BookResult;

    public sealed record Unavailable(IReadOnlyList<string> Seats) : BookResult;

    public sealed record UnknownSeats(IReadOnlyList<string> Seats) : BookResult;

    /// <summary>The event is paid: seats are sold through <c>POST /api/orders</c>, never booked directly.</summary>
    public sealed record CheckoutRequired : BookResult;

    /// <summary>The event is free: there is nothing to pay, so seats are booked directly, not ordered.</summary>
    public sealed record BookDirectly : BookResult;

    /// <summary>Best-available found no seats to fit; <c>Available</c> says how many of the asked category are left.</summary>
    public sealed record NotEnough(int Available) : BookResult;

    /// <summary>The client would pass one of its caps (<c>Limit</c> names it); nothing was booked.</summary>
    public sealed record LimitReached(string Limit, int Max, string Detail) : BookResult;
}

/// <summary>
/// Books every listed seat or none. A <see cref="DeskCommand.Tutorial"/> booking follows the tutorial's rule:
/// a passenger who already sits somewhere on the flight gives that seat up in the same commit, and the
/// booking it belonged to is cancelled (a tutorial booking is always one seat).
/// </summary>
public sealed class BookSeats(
    IReadOnlyList<(string Seat, string Name)> seats,
    string reference,
    string manageTokenHash,
    Buyer buyer) : DeskCommand<BookResult>
{
    protected override BookResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.Event.IsPaid)
            return new BookResult.CheckoutRequired();
        var (indexes, refusal) = SeatSelection.Resolve(map, seats.Select(s => s.Seat).ToArray());
        if (refusal is not null)
            return refusal;

        var moving = Tutorial
            ? seats.Select(seat => map.SeatOccupiedBy(seat.Name)).Where(previous => previous >= 0).Distinct().ToArray()
            : [];
        // Decided before anything is staged: a refusal must leave the plan as it found it.
        if (buyer.RefuseSeats(map, seats.Count, moving.Count(seat => map.ClientOf(seat) == buyer.Client)) is { } overCap)
            return overCap;
        foreach (var previous in moving)
        {
            var previousBooking = map.BookingOf(previous)!;
            plan.Release(map, previous);
            plan.Add(new CancelBooking(previousBooking));
        }
        return plan.BookAll(map, reference, manageTokenHash, buyer.Client, indexes!, seats.Select(s => s.Name).ToArray());
    }
}

/// <summary>
/// Picks the best <c>names.Count</c> seats: adjacent in one row if possible, otherwise (unless
/// <paramref name="together"/>) the nearest ones. Picking inside the single writer means
/// concurrent requests never collide.
/// </summary>
public sealed class BookBestAvailable(
    IReadOnlyList<string> names,
    bool together,
    string? category,
    string reference,
    string manageTokenHash,
    Buyer buyer) : DeskCommand<BookResult>
{
    protected override BookResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.Event.IsPaid)
            return new BookResult.CheckoutRequired();
        if (buyer.RefuseSeats(map, names.Count) is { } overCap)
            return overCap;
        var (seats, refusal) = SeatSelection.Pick(map, names.Count, together, category);
        return refusal ?? plan.BookAll(map, reference, manageTokenHash, buyer.Client, seats!, names);
    }
}

public abstract record CancelResult
{
    public sealed record Cancelled : CancelResult;

    public sealed record AlreadyCancelled : CancelResult;
}

/// <summary>Releases the booking's live seats and marks it cancelled, in one commit.</summary>
public sealed class CancelBookingSeats(string reference, IReadOnlyList<string> liveSeats) : DeskCommand<CancelResult>
{
    protected override CancelResult Decide(SeatMap map, BatchPlan plan)
    {
        var owned = new List<int>(liveSeats.Count);
        foreach (var label in liveSeats)
        {
            if (map.Layout.TryGetIndex(label, out var index) && map.BookingOf(index) == reference)
                owned.Add(index);
        }
        // Another cancel of the same booking, earlier in this batch, already released its seats.
        if (owned.Count == 0 && liveSeats.Count > 0)
            return new CancelResult.AlreadyCancelled();

        foreach (var index in owned)
            plan.Release(map, index);
        plan.Add(new CancelBooking(reference));
        return new CancelResult.Cancelled();
    }
}
