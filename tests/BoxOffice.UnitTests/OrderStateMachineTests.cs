using BoxOffice.Server.Checkout;
using BoxOffice.Server.Storage;

namespace BoxOffice.UnitTests;

public class OrderStateMachineTests
{
    /// <summary>Every (state, trigger) pair, with what the table must say: the next state, the seat effect and refund, or null for illegal.</summary>
    public static TheoryData<OrderState, OrderTrigger, OrderTransition?> EveryPair()
    {
        var expected = new Dictionary<(OrderState, OrderTrigger), OrderTransition>
        {
            [(OrderState.AwaitingPayment, OrderTrigger.PaymentSucceeded)] = new(OrderState.Paid, SeatEffect.Book, false),
            [(OrderState.AwaitingPayment, OrderTrigger.PaymentFailed)] = new(OrderState.Cancelled, SeatEffect.Release, false),
            [(OrderState.AwaitingPayment, OrderTrigger.DeadlinePassed)] = new(OrderState.Expired, SeatEffect.Release, false),
            [(OrderState.Paid, OrderTrigger.TicketsIssued)] = new(OrderState.Ticketed, SeatEffect.None, false),
            [(OrderState.Expired, OrderTrigger.PaymentSucceeded)] = new(OrderState.Expired, SeatEffect.None, true),
            [(OrderState.Cancelled, OrderTrigger.PaymentSucceeded)] = new(OrderState.Cancelled, SeatEffect.None, true),
            [(OrderState.Expired, OrderTrigger.PaymentFailed)] = new(OrderState.Expired, SeatEffect.None, false),
            [(OrderState.AwaitingPayment, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, false),
            [(OrderState.Paid, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, true),
            [(OrderState.Ticketed, OrderTrigger.EventCancelled)] = new(OrderState.Cancelled, SeatEffect.Release, true),
        };
        var data = new TheoryData<OrderState, OrderTrigger, OrderTransition?>();
        foreach (var state in Enum.GetValues<OrderState>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
                data.Add(state, trigger, expected.TryGetValue((state, trigger), out var transition) ? transition : null);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void The_transition_table_allows_exactly_the_designed_moves(OrderState from, OrderTrigger trigger, OrderTransition? expected)
    {
        if (expected is { } transition)
        {
            Assert.True(OrderStateMachine.IsAllowed(from, trigger));
            Assert.Equal(transition, OrderStateMachine.Apply(from, trigger));
        }
        else
        {
            Assert.False(OrderStateMachine.IsAllowed(from, trigger));
            var error = Assert.Throws<IllegalTransitionException>(() => OrderStateMachine.Apply(from, trigger));
            Assert.Equal((from, trigger), (error.From, error.Trigger));
        }
    }

    [Theory]
    [InlineData(OrderState.AwaitingPayment, "awaiting_payment")]
    [InlineData(OrderState.Paid, "paid")]
    [InlineData(OrderState.Ticketed, "ticketed")]
    [InlineData(OrderState.Cancelled, "cancelled")]
    [InlineData(OrderState.Expired, "expired")]
    public void State_names_round_trip(OrderState state, string name)
    {
        Assert.Equal(name, OrderStates.Name(state));
        Assert.Equal(state, OrderStates.Parse(name));
    }
}
