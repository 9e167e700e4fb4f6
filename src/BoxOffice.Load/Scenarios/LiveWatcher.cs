using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// One WebSocket client of <c>/api/events/{id}/live</c>: it takes the snapshot, then records when each
/// seat first changed and whether each delta starts at the version the previous one ended at.
/// </summary>
public sealed class LiveWatcher : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private long _version;

    public ConcurrentDictionary<string, long> Received { get; } = new();

    public int Messages { get; private set; }

    public int Gaps { get; private set; }

    public string? Failure { get; private set; }

    public static async Task<LiveWatcher> ConnectAsync(Uri server, string eventId, CancellationToken cancellationToken)
    {
        var watcher = new LiveWatcher();
        var scheme = server.Scheme == "https" ? "wss" : "ws";
        try
        {
            await watcher._socket.ConnectAsync(new Uri($"{scheme}://{server.Authority}/api/events/{eventId}/live"), cancellationToken);
            var snapshot = JsonSerializer.Deserialize<LiveSnapshot>(await watcher.ReceiveAsync(cancellationToken), JsonSerializerOptions.Web)!;
            watcher._version = snapshot.Version;
        }
        catch
        {
            watcher.Dispose();
            throw;
        }
        _ = watcher.ListenAsync(cancellationToken);
        return watcher;
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var message = await ReceiveAsync(cancellationToken);
                var receivedAt = Stopwatch.GetTimestamp();
                var delta = JsonSerializer.Deserialize<LiveDelta>(message, JsonSerializerOptions.Web)!;
                Messages++;
                if (delta.FromVersion != _version)
                    Gaps++;
                _version = delta.ToVersion;
                foreach (var change in delta.Changes)
                    Received.TryAdd(change.Seat, receivedAt);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
                Failure = error.Message;
        }
    }

    private async Task<byte[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[8192];
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"closed by the server: {result.CloseStatusDescription}");
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return message.ToArray();
    }

    public void Dispose() => _socket.Dispose();
}
