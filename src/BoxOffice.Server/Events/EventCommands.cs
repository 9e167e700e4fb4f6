using BoxOffice.Server.Checkout;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Events;

/// <summary>An event as the console shows it after a change, without its id.</summary>
[GenerateSerializer, Immutable]
public sealed record EventState(
    string Title, string Currency, IReadOnlyDictionary<string, long> Prices, int SeatCount, int Available, int Held, EventDetails Details, EventSales Sales)
;

[GenerateSerializer, Immutable]
public abstract record EditResult
{
    [GenerateSerializer, Immutable]
    public sealed record Edited(EventState Event) : EditResult;

    [GenerateSerializer, Immutable]
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : EditResult;

    /// <summary>The change is well formed but the event's state forbids it: a status move, or a new layout after a sale.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Refused(string Detail) : EditResult;
}

/// <summary>
/// Changes an event: every field the request gives. Title, venue, times and prices change at any time (orders keep
/// what they paid); the layout only while no seat is held or sold. Cancelling cancels every live order, flagging the
/// paid ones for refund, and every booking. A new layout is committed alone and the desk then loads the event afresh.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EditEvent(EventFields Fields) : DeskCommand<EditResult>
{
    internal override bool CommitsAlone => Fields.LayoutJson is not null;

    internal override EditResult Decide(SeatMap map, BatchPlan plan)
    {
        var current = map.Event;
        var (edited, layoutJson, errors) = EventForm.Validate(current.Id, Fields, current);
        if (edited is null)
            return new EditResult.Invalid(errors);
        if (!EventStatuses.CanMove(current.Sales.Status, edited.Sales.Status))
            return new EditResult.Refused($"An event that is {EventStatuses.Name(current.Sales.Status)} cannot become {EventStatuses.Name(edited.Sales.Status)}.");
        if (layoutJson is not null && map.Count(SeatStatus.Held) + map.Count(SeatStatus.Booked) > 0)
            return new EditResult.Refused("The layout can change only while no seat is held or sold.");

        if (edited.Sales.Status == EventStatus.Cancelled && current.Sales.Status != EventStatus.Cancelled)
            CancelEverything(map, plan);
        var blocked = edited.Layout.Seats.Count(seat => seat.Flags.HasFlag(SeatFeatures.Blocked));
        var row = new EventRow(current.Id, edited.Title, layoutJson ?? "", edited.Prices, edited.Currency, edited.Layout.Count,
            edited.Layout.Count - blocked, map.Version, 0, current.Tutorial) { Details = edited.Details, Sales = edited.Sales };
        plan.Add(new UpdateEventRow(row, LayoutChanged: layoutJson is not null));
        if (layoutJson is null)
            map.Event = edited;
        var available = layoutJson is null ? map.Count(SeatStatus.Available) : edited.Layout.Count - blocked;
        return new EditResult.Edited(new EventState(
            edited.Title, edited.Currency, edited.Prices, edited.Layout.Count, available, map.Count(SeatStatus.Held), edited.Details, edited.Sales));
    }

    private static void CancelEverything(SeatMap map, BatchPlan plan)
    {
        foreach (var order in map.Orders.ToArray())
        {
            if (OrderStateMachine.IsAllowed(order.State, OrderTrigger.EventCancelled))
                plan.Transition(map, order, OrderTrigger.EventCancelled);
        }
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        for (var seat = 0; seat < map.Layout.Count; seat++)
        {
            if (map.StatusOf(seat) != SeatStatus.Booked || map.BookingOf(seat) is not { } reference)
                continue;
            plan.Release(map, seat);
            if (cancelled.Add(reference))
                plan.Add(new CancelBooking(reference));
        }
    }
}

[GenerateSerializer, Immutable]
public abstract record DeleteResult
{
    [GenerateSerializer, Immutable]
    public sealed record Deleted : DeleteResult;

    [GenerateSerializer, Immutable]
    public sealed record HasSales : DeleteResult;
}

/// <summary>Deletes an event that never sold anything; the database has the last word on "never".</summary>
[GenerateSerializer, Immutable]
public sealed record DeleteEvent : DeskCommand<DeleteResult>
{
    internal override DeleteResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.Orders.Any() || map.Count(SeatStatus.Booked) > 0)
            return new DeleteResult.HasSales();
        plan.Add(new DeleteEventRows());
        return new DeleteResult.Deleted();
    }

    internal override DeleteResult? Refused(StoreRefusal refusal) => refusal == StoreRefusal.EventHasSales ? new DeleteResult.HasSales() : null;
}
