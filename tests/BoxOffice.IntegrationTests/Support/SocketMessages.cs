using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public static class SocketMessages
{
    /// <summary>The next whole text message, as JSON; fails the test if none comes within 10 s.</summary>
    public static async Task<JsonElement> ReceiveJsonAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(message.ToArray()).RootElement;
    }

    /// <summary>
    /// Reads live deltas until <paramref name="count"/> seats read booked, checking that each delta starts
    /// where the previous one ended. Returns every seat's latest status and the last version seen.
    /// </summary>
    public static async Task<(Dictionary<string, string> Statuses, long Version)> ReadUntilBookedAsync(
        this WebSocket socket, long fromVersion, int count, Action<JsonElement>? inspect = null)
    {
        var statuses = new Dictionary<string, string>();
        var version = fromVersion;
        while (statuses.Values.Count(status => status == "booked") < count)
        {
            var message = await socket.ReceiveJsonAsync();
            inspect?.Invoke(message);
            var delta = message.Deserialize<LiveDelta>(JsonSerializerOptions.Web)!;
            Assert.Equal("delta", delta.Type);
            Assert.Equal(version, delta.FromVersion);
            Assert.True(delta.ToVersion > delta.FromVersion);
            version = delta.ToVersion;
            foreach (var change in delta.Changes)
                statuses[change.Seat] = change.Status;
        }
        return (statuses, version);
    }
}
