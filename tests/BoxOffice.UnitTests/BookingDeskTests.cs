using BoxOffice.Server.Booking;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

using BoxOffice.Testing;

namespace BoxOffice.UnitTests;

public sealed class BookingDeskTests : IAsyncDisposable
{
    private readonly InMemoryBookingStore _store = new();
    private readonly ManualTime _time = new();
    private readonly TestDesks _desks;

    public BookingDeskTests()
    {
        _desks = new TestDesks(_store, _time);
        var catalog = new EventCatalog(_store, _time);
        var a320 = new EventDefinition("F1", "Flight F1", Templates.A320(), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");
        catalog.CreateAsync(a320, """{"template":"a320"}""", "test", CancellationToken.None).GetAwaiter().GetResult();
        catalog.CreateFlightAsync("T1", maxFlights: null, CancellationToken.None).GetAwaiter().GetResult();
    }

    public ValueTask DisposeAsync() => _desks.DisposeAsync();

    private static BookSeats Book(string seat, string name, bool tutorial = false) =>
        new([(seat, name)], ManageTokens.NewReference(), ManageTokens.Hash("token"), Buyers.Uncapped) { Tutorial = tutorial };

    private Task<BookResult?> Send(BookSeats command) => _desks.SendAsync("F1", command);

    private Task<BookResult?> SendToFlight(BookSeats command) => _desks.SendAsync("T1", command);

    [Fact]
    public async Task Queued_commands_are_validated_in_order_and_committed_as_one_batch()
    {
        await Send(Book("1A", "Warm-up"));
        _store.CommitGate = new TaskCompletionSource();
        var first = Send(Book("2A", "Blocker"));
        await _store.WaitForCommitsStartedAsync(2);

        // While the first commit is held, ten more requests queue up, two of them for the same seat.
        var queued = Enumerable.Range(0, 10).Select(i => Send(Book(i < 2 ? "3A" : $"{i}B", $"Guest {i}"))).ToArray();
        Assert.All(queued, reply => Assert.False(reply.IsCompleted));
        _store.CommitGate.SetResult();
        var replies = await Task.WhenAll(queued);

        Assert.IsType<BookResult.Booked>(await first);
        Assert.Equal(3, _store.Commits.Count);
        Assert.Equal(9, _store.Commits[2].Writes.OfType<ClaimSeat>().Count());
        Assert.IsType<BookResult.Booked>(replies[0]);
        Assert.IsType<BookResult.Unavailable>(replies[1]);
        Assert.Equal([1L, 2L, 3L], _store.Commits.Select(c => c.ToVersion));
    }

    [Fact]
    public async Task No_caller_is_answered_before_its_batch_commits()
    {
        _store.CommitGate = new TaskCompletionSource();
        var reply = Send(Book("1A", "Ada"));

        await _store.WaitForCommitsStartedAsync(1);
        Assert.False(reply.IsCompleted);
        _store.CommitGate.SetResult();
        Assert.IsType<BookResult.Booked>(await reply);
    }

    [Fact]
    public async Task A_failed_batch_is_retried_one_command_at_a_time()
    {
        await Send(Book("1A", "Warm-up"));
        _store.CommitGate = new TaskCompletionSource();
        var blocker = Send(Book("2A", "Blocker"));
        await _store.WaitForCommitsStartedAsync(2);
        // Any batch that contains seat 5C fails, as if another process had taken it.
        _store.Refuse = batch => batch.Writes.OfType<ClaimSeat>().Any(claim => claim.Seat == "5C");
        var good = Send(Book("5A", "Good"));
        var poisoned = Send(Book("5C", "Unlucky"));
        var alsoGood = Send(Book("5F", "Also good"));
        _store.CommitGate.SetResult();

        Assert.IsType<BookResult.Booked>(await blocker);
        Assert.IsType<BookResult.Booked>(await good);
        Assert.IsType<BookResult.Booked>(await alsoGood);
        await Assert.ThrowsAsync<DeskUnavailableException>(() => poisoned);
        var seats = await _desks.ReadAsync("F1", map => map.EncodeStatuses());
        Assert.Equal(4, seats!.Count(status => status == 'b'));
    }

    [Fact]
    public async Task A_seat_is_sold_once_however_many_ask_at_the_same_time()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Send(Book("7D", $"Buyer {i}"))));

        Assert.Single(replies, reply => reply is BookResult.Booked);
        Assert.Equal(199, replies.Count(reply => reply is BookResult.Unavailable));
    }

    [Fact]
    public async Task Booking_all_or_nothing_refuses_every_seat_when_one_is_taken()
    {
        await Send(Book("1B", "Ada"));
        var reply = await _desks.SendAsync("F1", new BookSeats([("1A", "Bob"), ("1B", "Cy")], "REF", "hash", Buyers.Uncapped));

        Assert.Equal(["1B"], Assert.IsType<BookResult.Unavailable>(reply).Seats);
        var statuses = await _desks.ReadAsync("F1", map => map.EncodeStatuses());
        Assert.Equal('a', statuses![0]);
    }

    [Fact]
    public async Task Unknown_seats_are_reported_and_nothing_is_written()
    {
        var reply = await Send(Book("99Z", "Ada"));

        Assert.Equal(["99Z"], Assert.IsType<BookResult.UnknownSeats>(reply).Seats);
        Assert.Empty(_store.Commits);
    }

    [Fact]
    public async Task A_passenger_who_books_again_on_a_tutorial_flight_moves_to_the_new_seat_and_the_old_booking_is_cancelled()
    {
        var first = Assert.IsType<BookResult.Booked>(await SendToFlight(Book("1A", "Ada", tutorial: true)));
        await SendToFlight(Book("2C", "Ada", tutorial: true));

        var occupants = await _desks.ReadAsync("T1", map => $"{map.OccupantOf(0)}|{map.OccupantOf(8)}", tutorial: true);
        Assert.Equal("|Ada", occupants);
        Assert.Contains(_store.Commits[^1].Writes, write => write is ReleaseSeat { Seat: "1A" });
        Assert.Contains(new CancelBooking(first.Reference), _store.Commits[^1].Writes);
    }

    [Fact]
    public async Task The_same_name_on_an_ordinary_event_is_another_passenger()
    {
        await Send(Book("1A", "Ada"));
        await Send(Book("2C", "Ada"));

        var occupants = await _desks.ReadAsync("F1", map => $"{map.OccupantOf(0)}|{map.OccupantOf(8)}");
        Assert.Equal("Ada|Ada", occupants);
    }

    [Fact]
    public async Task A_tutorial_flight_takes_only_the_tutorials_commands_and_other_events_never_take_them()
    {
        Assert.Null(await SendToFlight(Book("1A", "Ada")));
        Assert.Null(await _desks.ReadAsync("T1", map => map.EncodeStatuses()));
        Assert.Null(await Send(Book("1A", "Ada", tutorial: true)));
        Assert.Null(await _desks.ReadAsync("F1", map => map.EncodeStatuses(), tutorial: true));

        Assert.IsType<BookResult.Booked>(await SendToFlight(Book("1A", "Ada", tutorial: true)));
        Assert.IsType<BookResult.Booked>(await Send(Book("1A", "Ada")));
        Assert.Equal(2, _store.Commits.Count);
    }

    [Fact]
    public async Task A_retired_desk_finishes_what_it_queued_and_takes_nothing_more()
    {
        var desk = (await _desks.FindAsync("F1"))!;
        Assert.Equal(EnqueueResult.Accepted, desk.TryEnqueue(Book("1A", "Ada"), out var queued));

        desk.Retire();

        await desk.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.IsType<BookResult.Booked>(await queued);
        Assert.Equal(EnqueueResult.Retired, desk.TryEnqueue(Book("1B", "Bob"), out _));
    }

    [Fact]
    public async Task Cancelling_releases_the_seats_and_publishes_the_change()
    {
        var booked = Assert.IsType<BookResult.Booked>(await Send(Book("4E", "Ada")));
        var desk = await _desks.FindAsync("F1");
        var deltas = new List<SeatDelta>();

        var result = await _desks.SendAsync("F1", new CancelBookingSeats(booked.Reference, ["4E"]));

        Assert.IsType<CancelResult.Cancelled>(result);
        Assert.True(desk!.Feed.TryReadSince(1, deltas));
        Assert.True(desk.Definition.Layout.TryGetIndex("4E", out var seat));
        Assert.Equal(new SeatChange(seat, SeatStatus.Available, null), Assert.Single(Assert.Single(deltas).Changes));
    }

    [Fact]
    public async Task Unknown_events_have_no_desk()
    {
        Assert.Null(await _desks.FindAsync("nope"));
    }

    [Fact]
    public async Task Concurrent_best_available_requests_never_collide_and_the_rest_hear_sold_out()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            _desks.SendAsync("F1", new BookBestAvailable([$"Buyer {i}"], Together: true, Category: null, ManageTokens.NewReference(), "hash", Buyers.Uncapped))));

        var seats = replies.OfType<BookResult.Booked>().Select(b => b.Seats[0].Seat).ToArray();
        Assert.Equal(60, seats.Length);
        Assert.Equal(60, seats.Distinct().Count());
        Assert.All(replies.OfType<BookResult.NotEnough>(), r => Assert.Equal(0, r.Available));
        Assert.Equal(40, replies.OfType<BookResult.NotEnough>().Count());
    }

    [Fact]
    public async Task A_read_is_encoded_once_per_committed_version()
    {
        var desk = (await _desks.FindAsync("F1"))!;
        var read = new CountedRead();

        var first = (await desk.AskAsync(read))!.Result;
        var again = (await desk.AskAsync(read))!.Result;
        await Send(Book("1A", "Ada"));
        var after = (await desk.AskAsync(read))!.Result;

        Assert.Same(first, again);
        Assert.Equal((0L, 1L), (first!.Version, after!.Version));
        Assert.Equal(2, CountedRead.Encodings);
    }

    private sealed record CountedRead : DeskRead
    {
        public static int Encodings { get; private set; }

        protected override byte[] Encode(SeatMap map)
        {
            Encodings++;
            return [(byte)map.Version];
        }
    }
}
