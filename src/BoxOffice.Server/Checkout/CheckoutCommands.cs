using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

[GenerateSerializer, Immutable]
public abstract record HoldResult
{
    [GenerateSerializer, Immutable]
    public sealed record Held(NewOrder Order, IReadOnlyList<BookedSeat> Seats) : HoldResult;

    /// <summary>The idempotency key was used before; the caller compares request hashes.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Existing(string OrderId, string RequestHash) : HoldResult;

    [GenerateSerializer, Immutable]
    public sealed record Refused(BookResult Reason) : HoldResult;

    /// <summary>An order of another event has the idempotency key, so this request cannot be the one that made it.</summary>
    [GenerateSerializer, Immutable]
    public sealed record KeyUsedElsewhere : HoldResult;
}

/// <summary>What the buyer asked for: named seats, or the best <c>Names.Count</c> seats.</summary>
[GenerateSerializer, Immutable]
public sealed record SeatWish(IReadOnlyList<(string Seat, string Name)>? Named, IReadOnlyList<string>? Names, bool Together, string? Category);

/// <summary>Holds seats for a new order until its deadline, or finds the order its idempotency key already made.</summary>
[GenerateSerializer, Immutable]
public sealed record HoldSeatsForOrder(SeatWish Wish, NewOrder Order, Buyer Buyer) : DeskCommand<HoldResult>
{
    internal override HoldResult Decide(SeatMap map, BatchPlan plan)
    {
        if (map.FindOrderByKey(Order.IdempotencyKey) is { } existing)
            return new HoldResult.Existing(existing.OrderId, existing.RequestHash);
        if (map.Event.Sales.RefusalAt(map.NowMs) is { } closed)
            return new HoldResult.Refused(new BookResult.NotOnSale(closed));
        if (!map.Event.IsPaid)
            return new HoldResult.Refused(new BookResult.BookDirectly());
        if (Buyer.RefuseSeats(map, Wish.Named?.Count ?? Wish.Names!.Count) is { } overCap)
            return new HoldResult.Refused(overCap);

        var (seats, refusal) = Wish.Named is { } named
            ? SeatSelection.Resolve(map, named.Select(s => s.Seat).ToArray())
            : SeatSelection.Pick(map, Wish.Names!.Count, Wish.Together, Wish.Category);
        if (refusal is not null)
            return new HoldResult.Refused(refusal);

        var names = Wish.Named?.Select(s => s.Name).ToArray() ?? Wish.Names!.ToArray();
        var held = seats!.Select((seat, i) => (seat, names[i])).ToArray();
        var amount = seats!.Sum(seat => map.Event.Prices[map.Layout.Seats[seat].Category]);
        var row = Order with { Amount = amount, Currency = map.Event.Currency, TicketsTotal = held.Length, ClientKey = Buyer.Client };
        plan.HoldAll(map, row, new DeskOrder
        {
            OrderId = Order.OrderId,
            PaymentId = Order.PaymentId,
            IdempotencyKey = Order.IdempotencyKey,
            RequestHash = Order.RequestHash,
            ExpiresAtMs = Order.ExpiresAtMs,
            Seats = held,
            State = OrderState.AwaitingPayment,
            ClientKey = Buyer.Client,
        });
        return new HoldResult.Held(row, held.Select(h => new BookedSeat(map.Layout.Seats[h.seat].Label, h.Item2)).ToArray());
    }

    /// <summary>The desk knows the keys of its own event's orders; the unique index finds a key another event used.</summary>
    internal override HoldResult? Refused(StoreRefusal refusal) =>
        refusal == StoreRefusal.IdempotencyKeyTaken ? new HoldResult.KeyUsedElsewhere() : null;
}

[GenerateSerializer, Immutable]
public abstract record PaymentResult
{
    /// <summary>The order is now in <c>State</c>. <c>Repeated</c>: this outcome was applied before, so nothing changed this time.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Settled(OrderState State, bool RefundDue, bool Repeated) : PaymentResult;

    [GenerateSerializer, Immutable]
    public sealed record Illegal(OrderState State) : PaymentResult;

    /// <summary>The fake gateway had already decided this payment; the order is in <c>State</c>.</summary>
    [GenerateSerializer, Immutable]
    public sealed record AlreadyDecided(OrderState State) : PaymentResult;
}

/// <summary>A verified webhook outcome ("paid" or "failed") for an order of this desk's event.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplyPayment(string OrderId, string Status) : DeskCommand<PaymentResult>
{
    internal override PaymentResult Decide(SeatMap map, BatchPlan plan)
    {
        var order = Find(map, OrderId);
        if (order.PaymentsReceived.Contains(Status))
            return new PaymentResult.Settled(order.State, order.RefundDue, Repeated: true);
        return Apply(map, plan, order, Status);
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
        return new PaymentResult.Settled(order.State, order.RefundDue, Repeated: false);
    }
}

/// <summary>
/// The fake gateway's Pay or Decline. Unlike a provider's webhook, which reports money that really moved,
/// only the first decision of a payment counts: a decline then a pay must not flag a refund of money
/// that never came in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DecidePayment(string OrderId, string Outcome) : DeskCommand<PaymentResult>
{
    internal override PaymentResult Decide(SeatMap map, BatchPlan plan)
    {
        // The desk decides its event's commands one at a time, and every commit is a compare-and-set on
        // the event's version: a desk in another process that decided first makes this one reload
        // (outcomes included) and decide again. So of two racing decisions exactly one finds no outcome.
        var order = ApplyPayment.Find(map, OrderId);
        if (order.PaymentsReceived.Count > 0)
            return new PaymentResult.AlreadyDecided(order.State);
        return ApplyPayment.Apply(map, plan, order, Outcome);
    }
}

/// <summary>The recovery worker's nudge: expire the order if its deadline has passed and it is still unpaid.</summary>
[GenerateSerializer, Immutable]
public sealed record ExpireOrder(string OrderId) : DeskCommand<string>
{
    internal override string Decide(SeatMap map, BatchPlan plan)
    {
        if (map.FindOrder(OrderId) is { State: OrderState.AwaitingPayment } order && order.ExpiresAtMs <= map.NowMs)
            plan.Transition(map, order, OrderTrigger.DeadlinePassed);
        return OrderId;
    }
}

/// <summary>What the order's next ticket must say: its number in the order, from 1, and its seat.</summary>
[GenerateSerializer, Immutable]
public sealed record NextTicket(int Number, string Seat);

/// <summary>
/// How far an order's tickets are, and which one is next (none once the order is no longer paid or has them all):
/// the issuer goes on while there is a next one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TicketProgress(OrderState State, int Issued, int Total, NextTicket? Next);

/// <summary>A ticket signed for <paramref name="For"/>: its own id, and its code, which carries the signature.</summary>
[GenerateSerializer, Immutable]
public sealed record SignedTicket(NextTicket For, string TicketId, string Code);

/// <summary>
/// Issues a paid order's next ticket, one durable step per ticket; the last one moves the order to ticketed through
/// the state machine, in the same commit. The code is signed outside the desk, which only holds data, so the desk
/// takes <paramref name="Ticket"/> only if it was signed for the ticket that is next now; otherwise (or with none)
/// it issues nothing and answers which one is next, for the issuer to sign. The store's compare-and-set on the
/// order's count stops a second activation from issuing the same one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IssueNextTicket(string OrderId, SignedTicket? Ticket) : DeskCommand<TicketProgress>
{
    internal override TicketProgress Decide(SeatMap map, BatchPlan plan)
    {
        var order = ApplyPayment.Find(map, OrderId);
        var next = Next(map, order);
        if (next is null || Ticket is null || Ticket.For != next)
            return new TicketProgress(order.State, order.TicketsIssued, order.Seats.Count, next);
        var name = order.Seats[order.TicketsIssued].Name;
        plan.Add(new IssueTicket(OrderId, new StoredTicket(Ticket.Code, next.Seat, name), next.Number, Ticket.TicketId));
        order.TicketsIssued++;
        if (order.TicketsIssued == order.Seats.Count)
            plan.Transition(map, order, OrderTrigger.TicketsIssued);
        return new TicketProgress(order.State, order.TicketsIssued, order.Seats.Count, Next(map, order));
    }

    private static NextTicket? Next(SeatMap map, DeskOrder order) =>
        order.State == OrderState.Paid && order.TicketsIssued < order.Seats.Count
            ? new NextTicket(order.TicketsIssued + 1, map.Layout.Seats[order.Seats[order.TicketsIssued].Seat].Label)
            : null;
}
