using System.Net;
using System.Net.WebSockets;
using BoxOffice.Client;
using Microsoft.AspNetCore.Hosting;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Two servers in this process on one PostgreSQL database form one Orleans cluster: each is "another process" to the other.</summary>
public class PostgresClusterInProcessTests(PostgresBoxOfficeApp app) : IClassFixture<PostgresBoxOfficeApp>
{
    [Fact]
    public async Task A_subscriber_of_one_server_sees_every_booking_made_through_another_in_order()
    {
        await using var other = app.WithWebHostBuilder(_ => { });
        var eventId = await app.CreateEventAsync(Layouts.Cinema(10, 20));
        using var feed = await other.WatchEventAsync(eventId);
        await feed.NextSnapshotAsync();

        using var api = app.CreateApiClient();
        var labels = Enumerable.Range(1, 50).Select(i => $"{(char)('A' + (i - 1) / 20)}{((i - 1) % 20) + 1}").ToArray();
        var bookings = await Task.WhenAll(labels.Select(label => api.BookAsync(eventId, Seats((label, "Ada")))));
        Assert.All(bookings, response => Assert.Equal(HttpStatusCode.Created, response.Status));

        var (statuses, _) = await feed.ReadUntilBookedAsync(labels.Length);
        var seen = statuses.Where(pair => pair.Value == "booked").Select(pair => pair.Key).ToHashSet();
        Assert.Equal(labels.Order(), seen.Order());
    }

    [Fact]
    public async Task A_tutorial_flight_evicted_through_one_server_has_its_desk_retired_in_the_other()
    {
        // Room for one flight: the second flight evicts the first, which nobody sits on.
        static void OneFlight(IWebHostBuilder builder)
        {
            builder.UseSetting("Limits:Enabled", "true");
            builder.UseSetting("Compat:MaxFlights", "1");
        }
        await using var first = app.WithWebHostBuilder(OneFlight);
        await using var second = app.WithWebHostBuilder(OneFlight);
        var (evicted, next) = (CompatApiTests.NewFlightId('a'), CompatApiTests.NewFlightId('b'));
        using var feed = await second.WatchFlightAsync(evicted);
        await feed.NextSeatListAsync();

        using var api = new BoxOfficeClient(first.CreateClient());
        Assert.Equal(HttpStatusCode.OK, (await api.GetFlightSeatsAsync(next)).Status);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await feed.NextCloseAsync()).Status);
    }

    [Fact]
    public async Task Two_servers_selling_one_event_sell_every_seat_once_and_refuse_nobody_else()
    {
        await using var other = app.WithWebHostBuilder(_ => { });
        var eventId = await app.CreateEventAsync(Layouts.Stadium(1, 40, 25));
        using var first = app.CreateApiClient();
        using var second = new BoxOfficeClient(other.CreateClient());

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i =>
            (i % 2 == 0 ? first : second).BookAsync(eventId, Best($"Buyer {i}"))));

        Assert.Equal(1000, responses.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(200, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        var audit = (await first.AuditAsync(eventId)).Value;
        Assert.Empty(audit.Anomalies);
        Assert.Equal(1000, audit.Counts["booked"]);
    }
}
