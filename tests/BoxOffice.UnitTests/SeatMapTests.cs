using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.UnitTests;

public class SeatMapTests
{
    private static readonly EventDefinition Flight = new("F1", "Flight", Templates.A320(), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");

    [Fact]
    public void Loaded_claims_and_blocked_seats_set_statuses_and_counts()
    {
        var layout = new Layout([
            new SeatDefinition("1A", "S", "1", "standard", SeatFeatures.None, 0, 0),
            new SeatDefinition("1B", "S", "1", "standard", SeatFeatures.Blocked, 1, 0),
            new SeatDefinition("1C", "S", "1", "standard", SeatFeatures.None, 2, 0),
        ]);
        var definition = Flight with { Layout = layout };

        var map = new SeatMap(definition, 7, [new StoredSeat("1C", "booked", "REF", "Ada")], new ChangeFeed(7));

        Assert.Equal("axb", map.EncodeStatuses());
        Assert.Equal((1, 1, 1), (map.Count(SeatStatus.Available), map.Count(SeatStatus.Blocked), map.Count(SeatStatus.Booked)));
        Assert.Equal(("REF", "Ada"), (map.BookingOf(2), map.OccupantOf(2)));
        Assert.Equal(2, map.SeatOccupiedBy("Ada"));
    }

    [Fact]
    public void Booking_and_releasing_keep_the_counts()
    {
        var map = new SeatMap(Flight, 0, [], new ChangeFeed(0));

        map.Book(0, "REF", "Ada");
        map.Book(1, "REF", "Bob");
        map.Release(0);

        Assert.Equal((59, 1), (map.Count(SeatStatus.Available), map.Count(SeatStatus.Booked)));
        Assert.Null(map.OccupantOf(0));
        Assert.Equal(-1, map.SeatOccupiedBy("Ada"));
    }

    [Fact]
    public void Feed_reports_a_gap_once_deltas_fall_out_of_its_window()
    {
        var feed = new ChangeFeed(0);
        for (var version = 1; version <= ChangeFeed.RetainedBatches + 1; version++)
            feed.Publish(new SeatDelta(version - 1, version, [new SeatChange(0, SeatStatus.Booked, null)]));
        var deltas = new List<SeatDelta>();

        Assert.False(feed.TryReadSince(0, deltas));
        Assert.True(feed.TryReadSince(ChangeFeed.RetainedBatches - 1, deltas));
        Assert.Equal(2, deltas.Count);
    }
}
