using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

using BoxOffice.Client;
using BoxOffice.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>Limits that only real Kestrel enforces; the in-memory test host does not.</summary>
public sealed class KestrelLimitsTests : IAsyncLifetime
{
    private const string AdminToken = "limits-admin-token-of-32-characters";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"boxoffice-limits-{Guid.NewGuid():N}.db");
    private ServerProcess? _server;

    public async ValueTask InitializeAsync() => _server = await ServerProcess.StartAsync(_databasePath, AdminToken);

    public async ValueTask DisposeAsync()
    {
        await _server!.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_databasePath + suffix);
    }

    private async Task CreateEventAsync(string eventId)
    {
        using var admin = new BoxOfficeClient(_server!.CreateClient(), AdminToken);
        await admin.NewEventAsync(Layouts.A320, id: eventId);
    }

    [Fact]
    public async Task Oversized_booking_bodies_are_refused_with_413()
    {
        using var client = _server!.CreateClient();
        await CreateEventAsync("limits");
        var body = "{\"seats\":[{\"seat\":\"1A\",\"name\":\"" + new string('x', 100 * 1024) + "\"}]}";

        var response = await client.PostAsync("/api/events/limits/bookings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The request body is too large (limit 65536 bytes).", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Large_custom_layouts_may_exceed_the_default_body_limit()
    {
        using var client = _server!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        var rows = Enumerable.Range(1, 40).Select(row => new
        {
            name = $"{row}",
            seats = Enumerable.Range(1, 50).Select(seat => new { label = $"R{row}-{seat}", category = "standard", flags = new[] { "accessible" } }),
        });

        var response = await client.PostAsJsonAsync("/api/events", new { id = "big", title = "Big", layout = new { sections = new[] { new { name = "Hall", rows } } } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_websocket_messages_close_the_connection()
    {
        await CreateEventAsync("ws-limit");
        using var feed = await LiveFeed.ConnectAsync(LiveFeed.EventAddress(_server!.Address, "ws-limit"), CancellationToken.None);
        await feed.NextSnapshotAsync();

        await feed.Socket.SendAsync(new byte[8 * 1024], WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await feed.NextCloseAsync()).Status);
    }
}
