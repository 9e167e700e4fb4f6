using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

public enum OrderTrigger
{
    PaymentSucceeded,
    PaymentFailed,
    DeadlinePassed,
    TicketsIssued,
    EventCancelled,
}

/// <summary>What a trigger does to an order: its next state, whether its held seats are booked or released, and whether money must go back.</summary>
public readonly record struct OrderTransition(OrderState To, SeatEffect Seats, bool RefundDue);

public enum SeatEffect
{
    None,
    Book,
    Release,
}

/// <summary>
/// The checkout's one transition table (DESIGN §4). Anything not in it is illegal and throws: a
/// state change that silently does nothing on a wrong state hides bugs. Persisting a transition is a
/// compare-and-set on the old state, so each effect happens exactly once.
/// </summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<(OrderState, OrderTrigger), OrderTransition> Table = new()
    {
        [(OrderState.AwaitingPayment, OrderTrigger.PaymentSucceeded)] = new(OrderState.Paid, SeatEffect.Book, RefundDue: false),
        [(OrderState.AwaitingPayment, OrderTrigger.PaymentFailed)] = new(OrderState.Cancelled, SeatEffect.Release, RefundDue: false),
        [(OrderState.AwaitingPayment, OrderTrigger.DeadlinePassed)] = new(OrderState.Expired, SeatEffect.Release, RefundDue: false),
        [(OrderState.Paid, OrderTrigger.TicketsIssued)] = new(OrderState.Ticketed, SeatEffect.None, RefundDue: false),
        // Money that arrives for an order that is already closed is kept nowhere: it is flagged for refund.
        // The seats stay released; someone else may hold them by now.
        [(OrderState.Expired, OrderTrigger.PaymentSucceeded)] = new(OrderState.Expired, SeatEffect.None, RefundDue: true),
        [(OrderState.Cancelled, OrderTrigger.PaymentSucceeded)] = new(OrderState.Cancelled, SeatEffect.None, RefundDue: true),
        // A cancelled event cancels every live order; money that came in is owed back.
        [(OrderState.AwaitingPayment, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, RefundDue: false),
        [(OrderState.Paid, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, RefundDue: true),
        [(OrderState.Ticketed, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, RefundDue: true),
        // A decline for an order that already lapsed changes nothing, and is not an error: the buyer did not pay.
        [(OrderState.Expired, OrderTrigger.PaymentFailed)] = new(OrderState.Expired, SeatEffect.None, RefundDue: false),
    };

    public static bool IsAllowed(OrderState from, OrderTrigger trigger) => Table.ContainsKey((from, trigger));

    public static OrderTransition Apply(OrderState from, OrderTrigger trigger) =>
        Table.TryGetValue((from, trigger), out var transition)
            ? transition
            : throw new IllegalTransitionException(from, trigger);
}

public sealed class IllegalTransitionException(OrderState from, OrderTrigger trigger)
    : InvalidOperationException($"An order that is {OrderStates.Name(from)} cannot take {trigger}.")
{
    public OrderState From { get; } = from;

    public OrderTrigger Trigger { get; } = trigger;
}
