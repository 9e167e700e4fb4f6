using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

using BoxOffice.Testing;

namespace BoxOffice.UnitTests;

/// <summary>Holds lapse against the clock the test moves: nothing sleeps, and no sweeper has to run.</summary>
public sealed class HoldExpiryTests : IAsyncDisposable
{
    private readonly InMemoryBookingStore _store = new();
    private readonly ManualTime _time = new();
    private readonly TestDesks _desks;

    public HoldExpiryTests()
    {
        _desks = new TestDesks(_store, _time);
        var definition = new EventDefinition("show", "Show", Templates.Cinema(2, 4), new Dictionary<string, long> { ["standard"] = 1500 }, "EUR");
        new EventCatalog(_store, _time).CreateAsync(definition, """{"template":"cinema","rows":2,"seatsPerRow":4}""", "test", CancellationToken.None).GetAwaiter().GetResult();
    }

    public ValueTask DisposeAsync() => _desks.DisposeAsync();

    private Task<HoldResult?> Hold(string key, params string[] seats)
    {
        var order = new NewOrder($"ord-{key}", key, $"hash-{key}", "a@example.com", "token", $"pay-{key}", 0, "", _time.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds(), 0);
        return _desks.SendAsync("show", new HoldSeatsForOrder(new SeatWish(seats.Select(s => (s, "Guest")).ToArray(), null, true, null), order, Buyers.Uncapped));
    }

    private async Task<string> Statuses() => (await _desks.ReadAsync("show", map => map.EncodeStatuses()))!;

    [Fact]
    public async Task A_hold_is_priced_by_category_and_shows_as_held()
    {
        var held = Assert.IsType<HoldResult.Held>(await Hold("k1", "A1", "A2"));

        Assert.Equal(3000, held.Order.Amount);
        Assert.Equal("hhaaaaaa", await Statuses());
    }

    [Fact]
    public async Task A_lapsed_hold_reads_as_available_before_anything_sweeps_it()
    {
        await Hold("k1", "A1");

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal("aaaaaaaa", await Statuses());
        Assert.DoesNotContain(_store.Commits.SelectMany(c => c.Writes), w => w is TransitionOrder);
    }

    [Fact]
    public async Task Claiming_a_lapsed_seat_expires_the_old_order_in_the_same_commit()
    {
        await Hold("k1", "A1", "A2");
        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.IsType<HoldResult.Held>(await Hold("k2", "A2"));

        var writes = _store.Commits[^1].Writes;
        Assert.Contains(writes, w => w is TransitionOrder { OrderId: "ord-k1", From: OrderState.AwaitingPayment, To: OrderState.Expired });
        Assert.Contains(writes, w => w is ReleaseSeat { Seat: "A1" });
        Assert.Equal("ahaaaaaa", await Statuses());
    }

    [Fact]
    public async Task Payment_before_the_deadline_books_the_seats_and_after_it_flags_a_refund()
    {
        await Hold("k1", "A1");
        await Hold("k2", "A2");

        var onTime = await _desks.SendAsync("show", new ApplyPayment("ord-k1", "paid"));
        _time.Advance(TimeSpan.FromMinutes(10));
        var late = await _desks.SendAsync("show", new ApplyPayment("ord-k2", "paid"));
        var again = await _desks.SendAsync("show", new ApplyPayment("ord-k2", "paid"));

        Assert.Equal((OrderState.Paid, false, false), Outcome(onTime));
        Assert.Equal((OrderState.Expired, true, false), Outcome(late));
        Assert.Equal((OrderState.Expired, true, true), Outcome(again));
        Assert.Equal("baaaaaaa", await Statuses());
    }

    [Fact]
    public async Task Tickets_are_issued_one_per_step_and_the_last_moves_the_order_to_ticketed()
    {
        await Hold("k1", "A1", "A2");
        await _desks.SendAsync("show", new ApplyPayment("ord-k1", "paid"));

        var asked = await _desks.SendAsync("show", new IssueNextTicket("ord-k1", null));
        var first = await _desks.SendAsync("show", new IssueNextTicket("ord-k1", new SignedTicket(new NextTicket(1, "A1"), "t1", "CODE1")));
        var again = await _desks.SendAsync("show", new IssueNextTicket("ord-k1", new SignedTicket(new NextTicket(1, "A1"), "t9", "CODE9")));
        var second = await _desks.SendAsync("show", new IssueNextTicket("ord-k1", new SignedTicket(new NextTicket(2, "A2"), "t2", "CODE2")));
        var decline = await _desks.SendAsync("show", new ApplyPayment("ord-k1", "failed"));

        Assert.Equal(new TicketProgress(OrderState.Paid, 0, 2, new NextTicket(1, "A1")), asked);
        Assert.Equal(new TicketProgress(OrderState.Paid, 1, 2, new NextTicket(2, "A2")), first);
        Assert.Equal(new TicketProgress(OrderState.Paid, 1, 2, new NextTicket(2, "A2")), again);
        Assert.Equal(new TicketProgress(OrderState.Ticketed, 2, 2, null), second);
        Assert.Equal(new PaymentResult.Illegal(OrderState.Ticketed), decline);
        var issued = _store.Commits.SelectMany(c => c.Writes).OfType<IssueTicket>().ToArray();
        Assert.Equal([("A1", 1, "CODE1", "t1"), ("A2", 2, "CODE2", "t2")], issued.Select(t => (t.Ticket.Seat, t.Number, t.Ticket.Code, t.TicketId)));
        Assert.Contains(_store.Commits[^1].Writes, w => w is TransitionOrder { From: OrderState.Paid, To: OrderState.Ticketed });
    }

    private static (OrderState, bool, bool) Outcome(PaymentResult? result) =>
        Assert.IsType<PaymentResult.Settled>(result) is var settled ? (settled.State, settled.RefundDue, settled.Repeated) : default;

    [Fact]
    public async Task The_same_idempotency_key_finds_the_first_order()
    {
        await Hold("k1", "A1");

        var second = await Hold("k1", "B1");

        Assert.Equal(new HoldResult.Existing("ord-k1", "hash-k1"), second);
        Assert.Equal("haaaaaaa", await Statuses());
    }

    [Fact]
    public async Task Declining_after_paying_is_illegal_and_changes_nothing()
    {
        await Hold("k1", "A1");
        await _desks.SendAsync("show", new ApplyPayment("ord-k1", "paid"));
        var commits = _store.Commits.Count;

        var declined = await _desks.SendAsync("show", new ApplyPayment("ord-k1", "failed"));

        Assert.Equal(new PaymentResult.Illegal(OrderState.Paid), declined);
        Assert.Equal(commits, _store.Commits.Count);
    }

    [Fact]
    public async Task The_sweeper_expires_only_what_is_due()
    {
        await Hold("k1", "A1");

        await _desks.SendAsync("show", new ExpireOrder("ord-k1"));
        var before = await Statuses();
        _time.Advance(TimeSpan.FromMinutes(10));
        await _desks.SendAsync("show", new ExpireOrder("ord-k1"));

        Assert.Equal("haaaaaaa", before);
        Assert.Contains(_store.Commits[^1].Writes, w => w is TransitionOrder { To: OrderState.Expired });
    }
}
