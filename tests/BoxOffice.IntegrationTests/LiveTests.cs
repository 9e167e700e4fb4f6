using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>The live feed and the tutorial's socket: written once, run on each store.</summary>
public abstract class LiveTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_then_every_change_made_by_other_clients_in_order()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(10, 20));
        using var feed = await app.WatchEventAsync(eventId);
        var snapshot = await feed.NextSnapshotAsync();
        Assert.Equal(("snapshot", 0L, new string('a', 200)), (snapshot.Type, snapshot.Version, snapshot.Seats));

        // Fifty buyers at once: however the server coalesces them, versions are contiguous and every seat arrives.
        var labels = Enumerable.Range(1, 50).Select(i => $"{(char)('A' + (i - 1) / 20)}{((i - 1) % 20) + 1}").ToArray();
        var bookings = await Task.WhenAll(labels.Select(label => _api.BookAsync(eventId, Seats((label, "Secret Name")))));
        Assert.All(bookings, response => Assert.Equal(HttpStatusCode.Created, response.Status));

        var (seen, version) = await feed.ReadUntilBookedAsync(labels.Length,
            message => Assert.DoesNotContain("Secret", message, StringComparison.Ordinal));
        Assert.Equal(labels.Order(), seen.Keys.Order());
        Assert.All(seen.Values, status => Assert.Equal("booked", status));
        Assert.Equal((await _api.GetSeatMapAsync(eventId)).Value.Version, version);
    }

    [Fact]
    public async Task A_cancellation_is_pushed_as_the_seat_becoming_available()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);
        var booking = (await _api.BookAsync(eventId, Seats(("1A", "Ada")))).Created();
        using var feed = await app.WatchEventAsync(eventId);
        var snapshot = await feed.NextSnapshotAsync();
        Assert.Equal('b', snapshot.Seats[0]);

        await _api.CancelBookingAsync(booking.Reference, booking.ManageToken);

        var delta = await feed.NextDeltaAsync();
        Assert.Equal((1L, 2L), (delta.FromVersion, delta.ToVersion));
        Assert.Equal([new SeatChangeView("1A", "available")], delta.Changes);
    }

    [Fact]
    public async Task The_tutorial_socket_sends_the_whole_seat_list_on_connect_and_after_each_change()
    {
        var flight = $"ws-{Guid.NewGuid():N}"[..12];
        using var feed = await app.WatchFlightAsync(flight);
        var first = await feed.NextSeatListAsync();
        Assert.Equal(60, first.Length);
        Assert.All(first, seat => Assert.Null(seat.Occupant));

        await _api.BookFlightSeatAsync(flight, new CompatBookRequest("2B", "Ada"));

        var next = await feed.NextSeatListAsync();
        Assert.Equal(60, next.Length);
        Assert.Equal([new CompatSeat("2B", "Ada")], next.Where(seat => seat.Occupant is not null));
    }

    [Fact]
    public async Task Plain_http_requests_to_a_socket_route_are_a_bad_request()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);
        using var client = app.CreateClient();

        var response = await client.GetAsync($"/api/events/{eventId}/live");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_event_is_not_found()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/events/nothing-here/live");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class SqliteLiveTests(BoxOfficeApp app) : LiveTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresLiveTests(PostgresBoxOfficeApp app) : LiveTests(app), IClassFixture<PostgresBoxOfficeApp>;
