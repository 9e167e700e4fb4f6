using BoxOffice.Contracts;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Desk;

/// <summary>One seat's new state, as the change feed carries it. The occupant never leaves the server except through the tutorial routes.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SeatChange(int Seat, SeatStatus Status, string? Occupant);

/// <summary>
/// The writes and seat changes staged by one batch of commands. Staging updates the seat map at
/// once, so each command is validated against the ones queued before it; if the commit fails the
/// desk reloads the map from the database.
/// </summary>
public sealed class BatchPlan
{
    private readonly List<StoreWrite> _writes = [];
    private readonly List<string> _actors = [];
    private readonly List<SeatChange> _changes = [];

    public IReadOnlyList<StoreWrite> Writes => _writes;

    /// <summary>Who asked for each write, for the event log: the command being staged sets <see cref="Actor"/>.</summary>
    public IReadOnlyList<string> Actors => _actors;

    public string Actor { get; set; } = DeskCommand.SystemActor;

    public IReadOnlyList<SeatChange> Changes => _changes;

    public int AvailableDelta { get; private set; }

    public bool IsEmpty => _writes.Count == 0;

    public void Add(StoreWrite write)
    {
        _writes.Add(write);
        _actors.Add(Actor);
    }

    /// <summary>A new booking of the given seats, one name each, made by <paramref name="client"/>.</summary>
    public BookResult.Booked BookAll(SeatMap map, string reference, string manageTokenHash, string client, IReadOnlyList<int> seats, IReadOnlyList<string> names)
    {
        Add(new InsertBooking(reference, manageTokenHash, client));
        var booked = new BookedSeat[seats.Count];
        for (var i = 0; i < seats.Count; i++)
        {
            Book(map, seats[i], reference, names[i], client);
            booked[i] = new BookedSeat(map.Layout.Seats[seats[i]].Label, names[i]);
        }
        return new BookResult.Booked(reference, booked);
    }

    private void Book(SeatMap map, int seat, string reference, string name, string client)
    {
        ReleaseLapsedHold(map, seat);
        map.Book(seat, reference, name, client);
        Add(new ClaimSeat(map.Layout.Seats[seat].Label, reference, name));
        _changes.Add(new SeatChange(seat, SeatStatus.Booked, name));
        AvailableDelta--;
    }

    /// <summary>A new order holding the given seats until its deadline.</summary>
    public void HoldAll(SeatMap map, NewOrder order, DeskOrder tracked)
    {
        Add(new InsertOrder(order));
        foreach (var (seat, name) in tracked.Seats)
        {
            ReleaseLapsedHold(map, seat);
            map.Hold(seat, order.OrderId, name, tracked.ClientKey);
            Add(new HoldSeat(map.Layout.Seats[seat].Label, order.OrderId, name));
            _changes.Add(new SeatChange(seat, SeatStatus.Held, null));
            AvailableDelta--;
        }
        map.Track(tracked);
    }

    /// <summary>
    /// Moves an order through one transition of the state machine, with its effect on the seats it
    /// still holds, as one compare-and-set. Throws on an illegal transition.
    /// </summary>
    public OrderTransition Transition(SeatMap map, DeskOrder order, OrderTrigger trigger)
    {
        var transition = OrderStateMachine.Apply(order.State, trigger);
        Add(new TransitionOrder(order.OrderId, order.State, transition.To, transition.RefundDue));
        foreach (var (seat, name) in order.Seats)
        {
            // Held seats are booked or released; a paid order's booked seats are released only when it is cancelled.
            if (map.BookingOf(seat) != order.OrderId)
                continue;
            var label = map.Layout.Seats[seat].Label;
            if (transition.Seats == SeatEffect.Book && map.IsHeldBy(seat, order.OrderId))
            {
                map.Confirm(seat);
                Add(new ConfirmSeat(label, order.OrderId));
                _changes.Add(new SeatChange(seat, SeatStatus.Booked, name));
            }
            else if (transition.Seats == SeatEffect.Release)
            {
                Release(map, seat);
            }
        }
        map.SetState(order, transition.To);
        order.RefundDue |= transition.RefundDue;
        return transition;
    }

    /// <summary>Staff keep free seats back under a named hold: held (staff sell them) or blocked (nobody does).</summary>
    public void KeepBack(SeatMap map, string reference, string holdName, bool blocked, IReadOnlyList<int> seats)
    {
        foreach (var seat in seats)
        {
            ReleaseLapsedHold(map, seat);
            map.KeepBack(seat, reference, holdName, blocked);
            _changes.Add(new SeatChange(seat, blocked ? SeatStatus.Blocked : SeatStatus.Held, null));
            AvailableDelta--;
        }
        Add(new KeepSeatsBack(reference, holdName, blocked, [.. seats.Select(seat => map.Layout.Seats[seat].Label)]));
    }

    /// <summary>Seats a hold kept back go on sale, in one write the log names as the hold's release.</summary>
    public void ReleaseHeldBack(SeatMap map, string reference, string holdName, IReadOnlyList<int> seats)
    {
        foreach (var seat in seats)
        {
            map.Release(seat);
            _changes.Add(new SeatChange(seat, SeatStatus.Available, null));
            AvailableDelta++;
        }
        Add(new ReleaseHeldBack(reference, holdName, [.. seats.Select(seat => map.Layout.Seats[seat].Label)]));
    }

    /// <summary>Someone wants a seat whose hold has lapsed: the lapsed order expires in the same commit, releasing all its seats.</summary>
    private void ReleaseLapsedHold(SeatMap map, int seat)
    {
        if (map.LapsedHoldOn(seat) is { } lapsed)
            Transition(map, lapsed, OrderTrigger.DeadlinePassed);
    }

    public void Release(SeatMap map, int seat)
    {
        var reference = map.BookingOf(seat) ?? throw new InvalidOperationException($"Seat {map.Layout.Seats[seat].Label} has no booking to release.");
        map.Release(seat);
        Add(new ReleaseSeat(map.Layout.Seats[seat].Label, reference));
        _changes.Add(new SeatChange(seat, SeatStatus.Available, null));
        AvailableDelta++;
    }
}
