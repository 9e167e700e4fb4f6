using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;

namespace BoxOffice.IntegrationTests;

/// <summary>Two servers in this process on one PostgreSQL database form one Orleans cluster: each is "another process" to the other.</summary>
public class PostgresClusterInProcessTests(PostgresBoxOfficeApp app) : IClassFixture<PostgresBoxOfficeApp>
{

    [Fact]
    public async Task A_subscriber_of_one_server_sees_every_booking_made_through_another_in_order()
    {
        await using var other = app.WithWebHostBuilder(_ => { });
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 10, seatsPerRow = 20 });
        using var socket = await other.Server.CreateWebSocketClient().ConnectAsync(new Uri(other.Server.BaseAddress, $"/api/events/{eventId}/live"), CancellationToken.None);
        var snapshot = (await socket.ReceiveJsonAsync()).Deserialize<LiveSnapshot>(JsonSerializerOptions.Web)!;

        using var client = app.CreateClient();
        var labels = Enumerable.Range(1, 50).Select(i => $"{(char)('A' + (i - 1) / 20)}{((i - 1) % 20) + 1}").ToArray();
        var bookings = await Task.WhenAll(labels.Select(label => client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats((label, "Ada")))));
        Assert.All(bookings, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));

        var (statuses, _) = await socket.ReadUntilBookedAsync(snapshot.Version, labels.Length);
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
        using var socket = await second.Server.CreateWebSocketClient().ConnectAsync(new Uri(second.Server.BaseAddress, $"/ws?flightId={evicted}"), CancellationToken.None);
        await socket.ReceiveJsonAsync();

        using var client = first.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/seats?flightId={next}")).StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var closed = await socket.ReceiveAsync(new byte[1024], timeout.Token);
        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.EndpointUnavailable), (closed.MessageType, closed.CloseStatus));
    }

    [Fact]
    public async Task Two_servers_selling_one_event_sell_every_seat_once_and_refuse_nobody_else()
    {
        await using var other = app.WithWebHostBuilder(_ => { });
        var eventId = await app.CreateEventAsync(new { template = "stadium", sections = 1, rows = 40, seatsPerRow = 25 });
        using var first = app.CreateClient();
        using var second = other.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i =>
            (i % 2 == 0 ? first : second).PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { $"Buyer {i}" } })));

        Assert.Equal(1000, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(200, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        using var admin = app.CreateAdminClient();
        var audit = (await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit"))!;
        Assert.Empty(audit.Anomalies);
        Assert.Equal(1000, audit.Counts["booked"]);
    }
}
