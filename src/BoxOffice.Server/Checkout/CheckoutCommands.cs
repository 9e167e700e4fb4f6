using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

public abstract record HoldResult
{
    public sealed record Held(NewOrder Order, IReadOnlyList<BookedSeat> Seats) : HoldResult;

    /// <summary>The idempotency key was used before; the caller compares request hashes.</summary>
    public sealed record Existing(string OrderId, string RequestHash) : HoldResult;

    public sealed record Refused(BookResult Reason) : HoldResult;
}

/// <summary>What the buyer asked for: named seats, or the best <c>Names.Count</c> seats.</summary>
public sealed record SeatWish(IReadOnlyList<(string Seat, string Name)>? Named, IReadOnlyList<string>? Names, bool Together, string? Category);

/// <summary>Holds seats for a new order until its deadline, or finds the order its idempotency key already made.</summary>
public sealed class HoldSeatsForOrder(SeatWish wish, NewOrder order, Buyer buyer) : DeskCommand<HoldResult>
{
    protected override HoldResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.FindOrderByKey(order.IdempotencyKey) is { } existing)
            return new HoldResult.Existing(existing.OrderId, existing.RequestHash);
        if (!map.Event.IsPaid)
            return new HoldResult.Refused(new BookResult.BookDirectly());
        if (buyer.RefuseSeats(map, wish.Named?.Count ?? wish.Names!.Count) is { } overCap)
            return new HoldResult.Refused(overCap);

        var (seats, refusal) = wish.Named is { } named
            ? SeatSelection.Resolve(map, named.Select(s => s.Seat).ToArray())
            : SeatSelection.Pick(map, wish.Names!.Count, wish.Together, wish.Category);
        if (refusal is not null)
            return new HoldResult.Refused(refusal);

        var names = wish.Named?.Select(s => s.Name).ToArray() ?? wish.Names!.ToArray();
        var held = seats!.Select((seat, i) => (seat, names[i])).ToArray();
        var amount = seats!.Sum(seat => map.Event.Prices[map.Layout.Seats[seat].Category]);
        var row = order with { Amount = amount, Currency = map.Event.Currency, TicketsTotal = held.Length, ClientKey = buyer.Client };
        plan.HoldAll(map, row, new DeskOrder
        {
            OrderId = order.OrderId,
            PaymentId = order.PaymentId,
            IdempotencyKey = order.IdempotencyKey,
            RequestHash = order.RequestHash,
            ExpiresAtMs = order.ExpiresAtMs,
            Seats = held,
            State = OrderState.AwaitingPayment,
            ClientKey = buyer.Client,
        });
        return new HoldResult.Held(row, held.Select(h => new BookedSeat(map.Layout.Seats[h.seat].Label, h.Item2)).ToArray());
    }
}

public abstract record PaymentResult
{
    /// <summary>
    /// The order is now in <c>State</c>. <c>Repeated</c>: this outcome was applied before, so nothing
    /// changed this time. <c>Seats</c> are the order's seats and names, for the tickets of a paid order.
    /// </summary>
    public sealed record Settled(OrderState State, bool RefundDue, bool Repeated, IReadOnlyList<BookedSeat> Seats) : PaymentResult;

    public sealed record Illegal(OrderState State) : PaymentResult;

    /// <summary>The fake gateway had already decided this payment; the order is in <c>State</c>.</summary>
    public sealed record AlreadyDecided(OrderState State) : PaymentResult;
}

/// <summary>A verified webhook outcome ("paid" or "failed") for an order of this desk's event.</summary>
public sealed class ApplyPayment(string orderId, string status) : DeskCommand<PaymentResult>
{
    protected override PaymentResult Decide(SeatMap map, BatchPlan plan)
    {
        var order = Find(map, orderId);
        if (order.PaymentsReceived.Contains(status))
            return new PaymentResult.Settled(order.State, order.RefundDue, Repeated: true, SeatsOf(map, order));
        return Apply(map, plan, order, status);
    }

    /// <summary>Another process may have created the order after this desk loaded: the conflict makes the desk reload and decide again.</summary>
    internal static DeskOrder Find(SeatMap map, string orderId) =>
        map.FindOrder(orderId) ?? throw new StoreConflictException($"Order {orderId} is not on this desk yet.");

    internal static PaymentResult Apply(SeatMap map, BatchPlan plan, DeskOrder order, string status)
    {
        // A deadline that passed before the webhook came is applied first, so a late "paid" finds the
        // order expired and its seats released, not booked.
        if (order.State == OrderState.AwaitingPayment && order.ExpiresAtMs <= map.NowMs)
            plan.Transition(map, order, OrderTrigger.DeadlinePassed);

        var trigger = status == "paid" ? OrderTrigger.PaymentSucceeded : OrderTrigger.PaymentFailed;
        if (!OrderStateMachine.IsAllowed(order.State, trigger))
            return new PaymentResult.Illegal(order.State);
        plan.Add(new RecordPayment(order.PaymentId, status));
        plan.Transition(map, order, trigger);
        order.PaymentsReceived.Add(status);
        return new PaymentResult.Settled(order.State, order.RefundDue, Repeated: false, SeatsOf(map, order));
    }

    private static BookedSeat[] SeatsOf(SeatMap map, DeskOrder order) =>
        order.Seats.Select(seat => new BookedSeat(map.Layout.Seats[seat.Seat].Label, seat.Name)).ToArray();
}

/// <summary>
/// The fake gateway's Pay or Decline. Unlike a provider's webhook, which reports money that really moved,
/// only the first decision of a payment counts: a decline then a pay must not flag a refund of money
/// that never came in.
/// </summary>
public sealed class DecidePayment(string orderId, string outcome) : DeskCommand<PaymentResult>
{
    protected override PaymentResult Decide(SeatMap map, BatchPlan plan)
    {
        // The desk decides its event's commands one at a time, and every commit is a compare-and-set on
        // the event's version: a desk in another process that decided first makes this one reload
        // (outcomes included) and decide again. So of two racing decisions exactly one finds no outcome.
        var order = ApplyPayment.Find(map, orderId);
        if (order.PaymentsReceived.Count > 0)
            return new PaymentResult.AlreadyDecided(order.State);
        return ApplyPayment.Apply(map, plan, order, outcome);
    }
}

/// <summary>The recovery worker's nudge: expire the order if its deadline has passed and it is still unpaid.</summary>
public sealed class ExpireOrder(string orderId) : DeskCommand<string>
{
    protected override string Decide(SeatMap map, BatchPlan plan)
    {
        if (map.FindOrder(orderId) is { State: OrderState.AwaitingPayment } order && order.ExpiresAtMs <= map.NowMs)
            plan.Transition(map, order, OrderTrigger.DeadlinePassed);
        return orderId;
    }
}
