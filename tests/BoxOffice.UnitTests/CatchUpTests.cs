using BoxOffice.Server.Booking;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using BoxOffice.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.UnitTests;

/// <summary>A desk that shares its event with other processes: they commit to the store behind its back.</summary>
public sealed class CatchUpTests : IAsyncDisposable
{
    private readonly InMemoryBookingStore _store = new();
    private readonly BookingDesks _desks;

    public CatchUpTests()
    {
        _desks = new BookingDesks(_store, new ManualTime(), NullLoggerFactory.Instance);
        new EventCatalog(_store, new ManualTime()).CreateFlightAsync("F1", maxFlights: null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public ValueTask DisposeAsync() => _desks.DisposeAsync();

    private Task<BookResult?> Send(DeskCommand<BookResult> command) => _desks.SendAsync("F1", command, CancellationToken.None);

    private static BookSeats Book(string seat, string name) => new([(seat, name)], ManageTokens.NewReference(), "hash", Buyers.Uncapped) { Tutorial = true };

    /// <summary>What another process's desk would commit: a booking of one seat, from the version the store is at.</summary>
    private async Task OtherProcessBooksAsync(string seat, string name)
    {
        var version = (await _store.LoadEventAsync("F1", CancellationToken.None))!.Event.Version;
        var reference = ManageTokens.NewReference();
        await _store.CommitAsync(new CommitBatch("F1", version, version + 1, -1, 0, [new InsertBooking(reference, "hash"), new ClaimSeat(seat, reference, name)]), CancellationToken.None);
    }

    private Task<T?> Read<T>(Func<SeatMap, T> read) where T : class => _desks.SendAsync("F1", new ReadSeatMap<T>(read) { Tutorial = true }, CancellationToken.None);

    [Fact]
    public async Task A_catch_up_brings_another_processs_commit_into_the_map_and_publishes_it_as_one_delta()
    {
        await Send(Book("1A", "Ada"));
        var desk = (await _desks.FindAsync("F1", CancellationToken.None))!;
        await OtherProcessBooksAsync("3C", "Bob");
        await OtherProcessBooksAsync("3D", "Cy");

        desk.TryEnqueue(new CatchUp(3));
        var seen = await Read(map => $"{map.Version} {map.StatusOf(14)} {map.OccupantOf(15)}");

        Assert.Equal("3 Booked Cy", seen);
        var deltas = new List<SeatDelta>();
        Assert.True(desk.Feed.TryReadSince(1, deltas));
        var delta = Assert.Single(deltas);
        Assert.Equal((1L, 3L), (delta.FromVersion, delta.ToVersion));
        Assert.Equal([new SeatChange(14, SeatStatus.Booked, "Bob"), new SeatChange(15, SeatStatus.Booked, "Cy")], delta.Changes.OrderBy(c => c.Seat));
    }

    [Fact]
    public async Task A_catch_up_for_a_version_the_desk_already_has_reads_nothing()
    {
        await Send(Book("1A", "Ada"));
        var desk = (await _desks.FindAsync("F1", CancellationToken.None))!;

        desk.TryEnqueue(new CatchUp(1));
        await Read(map => map.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, _store.ChangeLoads);
    }

    [Fact]
    public async Task A_batch_that_lost_to_another_process_is_decided_again_on_the_caught_up_map()
    {
        await Send(Book("1A", "Ada"));
        var desk = (await _desks.FindAsync("F1", CancellationToken.None))!;
        await OtherProcessBooksAsync("5A", "Bob");

        // The desk still believes 5A is free: its batch loses the version race, catches up, and is decided again.
        var replies = await Task.WhenAll(Send(Book("5A", "Cy")), Send(Book("6A", "Di")));

        Assert.IsType<BookResult.Unavailable>(replies[0]);
        Assert.IsType<BookResult.Booked>(replies[1]);
        var deltas = new List<SeatDelta>();
        Assert.True(desk.Feed.TryReadSince(1, deltas), "the feed restarted instead of catching up");
        Assert.Equal([(1L, 2L), (2L, 3L)], deltas.Select(d => (d.FromVersion, d.ToVersion)));
        Assert.Contains(new SeatChange(24, SeatStatus.Booked, "Bob"), deltas[0].Changes);
        Assert.Equal("3 bb", await Read(map => $"{map.Version} {SeatMap.StatusCode(map.StatusOf(24))}{SeatMap.StatusCode(map.StatusOf(30))}"));
    }

    [Fact]
    public async Task A_refused_batch_puts_back_the_seats_it_staged()
    {
        await Send(Book("1A", "Ada"));
        _store.Refuse = batch => batch.Writes.OfType<ClaimSeat>().Any(claim => claim.Seat == "7C");

        await Assert.ThrowsAsync<DeskUnavailableException>(() => Send(Book("7C", "Bob")));

        _store.Refuse = _ => false;
        Assert.Equal("1 a", await Read(map => $"{map.Version} {SeatMap.StatusCode(map.StatusOf(38))}"));
        Assert.IsType<BookResult.Booked>(await Send(Book("7C", "Bob")));
    }
}
