using BoxOffice.Server.Desk;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.UnitTests;

/// <summary>The per-client caps as the desk decides them, against a seat map and the desk's clock.</summary>
public class BuyerCapsTests
{
    private static readonly EventDefinition Free = new("F1", "Flight", Templates.A320(), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");
    private static readonly EventDefinition Paid = Free with { Prices = new Dictionary<string, long> { ["standard"] = 1500 } };

    [Fact]
    public void A_client_may_claim_seats_up_to_its_cap_on_a_free_event_and_others_are_counted_apart()
    {
        var map = new SeatMap(Free, 0, [new StoredSeat("1A", "booked", "R1", "Ada", "c1"), new StoredSeat("1B", "booked", "R1", "Bob", "c1")], new ChangeFeed(0));
        var buyer = Buyers.Capped("c1", seatsPerClient: 3);

        Assert.Null(buyer.RefuseSeats(map, 1));
        Assert.Equal("seats_per_client", Assert.IsType<BookResult.LimitReached>(buyer.RefuseSeats(map, 2)).Limit);
        Assert.Null(Buyers.Capped("c2", seatsPerClient: 3).RefuseSeats(map, 3));
    }

    [Fact]
    public void Seats_a_client_gives_up_in_the_same_commit_do_not_count_against_it()
    {
        var map = new SeatMap(Free, 0, [new StoredSeat("1A", "booked", "R1", "Ada", "c1")], new ChangeFeed(0));

        Assert.Null(Buyers.Capped("c1", seatsPerClient: 1).RefuseSeats(map, 1, freed: 1));
    }

    [Fact]
    public void Released_and_restored_seats_move_the_count_with_them()
    {
        var map = new SeatMap(Free, 0, [new StoredSeat("1A", "booked", "R1", "Ada", "c1")], new ChangeFeed(0));

        map.Release(0);
        map.Restore(1, new StoredSeat("1B", "booked", "R2", "Bob", "c1"));
        map.Book(2, "R3", "Cy", "c1");

        Assert.Equal(2, map.SeatsClaimedBy("c1"));
    }

    [Fact]
    public void Open_orders_count_until_paid_or_lapsed_and_the_cap_follows()
    {
        var map = new SeatMap(Paid, 0, [], [Order("o1", "c1", expiresAtMs: 1_000), Order("o2", "c1", expiresAtMs: 2_000)], new ChangeFeed(0)) { NowMs = 500 };
        var buyer = Buyers.Capped("c1", openOrders: 2);

        Assert.Equal("open_orders_per_client", Assert.IsType<BookResult.LimitReached>(buyer.RefuseSeats(map, 1)).Limit);
        map.SetState(map.FindOrder("o2")!, OrderState.Paid);
        Assert.Equal(1, map.OpenOrdersOf("c1"));
        Assert.Null(buyer.RefuseSeats(map, 1));
        map.NowMs = 1_000;
        Assert.Equal(0, map.OpenOrdersOf("c1"));
    }

    [Fact]
    public void An_order_of_more_seats_than_allowed_is_refused_whoever_asks()
    {
        var map = new SeatMap(Paid, 0, [], new ChangeFeed(0));

        Assert.Equal("seats_per_order", Assert.IsType<BookResult.LimitReached>(Buyers.Capped("c1", seatsPerOrder: 4).RefuseSeats(map, 5)).Limit);
        Assert.Null(Buyers.Uncapped.RefuseSeats(map, 5));
    }

    private static DeskOrder Order(string orderId, string client, long expiresAtMs) => new()
    {
        OrderId = orderId,
        PaymentId = "pay-" + orderId,
        IdempotencyKey = "key-" + orderId,
        RequestHash = "hash",
        ExpiresAtMs = expiresAtMs,
        Seats = [],
        State = OrderState.AwaitingPayment,
        ClientKey = client,
    };
}
