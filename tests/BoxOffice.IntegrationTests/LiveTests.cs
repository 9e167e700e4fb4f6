using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public class LiveTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private async Task<WebSocket> ConnectAsync(string path) =>
        await app.Server.CreateWebSocketClient().ConnectAsync(new Uri(app.Server.BaseAddress, path), CancellationToken.None);

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_then_every_change_made_by_other_clients_in_order()
    {
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 10, seatsPerRow = 20 });
        using var socket = await ConnectAsync($"/api/events/{eventId}/live");
        var snapshot = (await socket.ReceiveJsonAsync()).Deserialize<LiveSnapshot>(Json)!;
        Assert.Equal(("snapshot", 0L, new string('a', 200)), (snapshot.Type, snapshot.Version, snapshot.Seats));

        // Fifty buyers at once: however the server coalesces them, versions are contiguous and every seat arrives.
        using var client = app.CreateClient();
        var labels = Enumerable.Range(1, 50).Select(i => $"{(char)('A' + (i - 1) / 20)}{((i - 1) % 20) + 1}").ToArray();
        var bookings = await Task.WhenAll(labels.Select(label => client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats((label, "Secret Name")))));
        Assert.All(bookings, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));

        var (seen, version) = await socket.ReadUntilBookedAsync(snapshot.Version, labels.Length,
            message => Assert.DoesNotContain("Secret", message.GetRawText(), StringComparison.Ordinal));
        Assert.Equal(labels.Order(), seen.Keys.Order());
        Assert.All(seen.Values, status => Assert.Equal("booked", status));
        var map = await client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        Assert.Equal(map!.Version, version);
    }

    [Fact]
    public async Task A_cancellation_is_pushed_as_the_seat_becoming_available()
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });
        using var client = app.CreateClient();
        var booking = await BoxOfficeApp.ReadBooking(await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(("1A", "Ada"))));
        using var socket = await ConnectAsync($"/api/events/{eventId}/live");
        var snapshot = (await socket.ReceiveJsonAsync()).Deserialize<LiveSnapshot>(Json)!;
        Assert.Equal('b', snapshot.Seats[0]);

        using var cancel = new HttpRequestMessage(HttpMethod.Delete, $"/api/bookings/{booking.Reference}") { Headers = { { "X-Manage-Token", booking.ManageToken } } };
        await client.SendAsync(cancel);

        var delta = (await socket.ReceiveJsonAsync()).Deserialize<LiveDelta>(Json)!;
        Assert.Equal((1L, 2L), (delta.FromVersion, delta.ToVersion));
        Assert.Equal([new SeatChangeView("1A", "available")], delta.Changes);
    }

    [Fact]
    public async Task The_tutorial_socket_sends_the_whole_seat_list_on_connect_and_after_each_change()
    {
        var flight = $"ws-{Guid.NewGuid():N}"[..12];
        using var socket = await ConnectAsync($"/ws?flightId={flight}");
        var first = (await socket.ReceiveJsonAsync()).Deserialize<CompatSeat[]>(Json)!;
        Assert.Equal(60, first.Length);
        Assert.All(first, seat => Assert.Null(seat.Occupant));

        using var client = app.CreateClient();
        await client.PostAsync($"/book-seat?flightId={flight}", new StringContent("""{"seatNumber":"2B","name":"Ada"}""", Encoding.UTF8, "application/json"));

        var next = (await socket.ReceiveJsonAsync()).Deserialize<CompatSeat[]>(Json)!;
        Assert.Equal(60, next.Length);
        Assert.Equal([new CompatSeat("2B", "Ada")], next.Where(seat => seat.Occupant is not null));
    }

    [Fact]
    public async Task Plain_http_requests_to_a_socket_route_are_a_bad_request()
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });

        var response = await app.CreateClient().GetAsync($"/api/events/{eventId}/live");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Subscribing_to_an_unknown_event_is_not_found()
    {
        var response = await app.CreateClient().GetAsync("/api/events/nothing-here/live");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
