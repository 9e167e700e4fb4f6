using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Contracts;

namespace BoxOffice.Client;

/// <summary>
/// A subscriber of a live seat feed over a WebSocket: <c>/api/events/{id}/live</c>, a <see cref="LiveSnapshot"/>
/// and then <see cref="LiveDelta"/>s, or the tutorial's <c>/ws?flightId=</c>, the whole seat list each time.
/// The server sends whole JSON text messages; when it closes the socket, a fresh connection gets a fresh snapshot.
/// </summary>
public sealed class LiveFeed(WebSocket socket) : IDisposable
{
    private byte[] _buffer = new byte[4 * 1024];

    public WebSocket Socket => socket;

    /// <summary>The version the feed has reached: the snapshot's, then the end of each delta received.</summary>
    public long Version { get; private set; }

    /// <summary>The last message received, as it came over the wire; valid until the next receive.</summary>
    public ReadOnlyMemory<byte> LastMessage { get; private set; }

    public static Uri EventAddress(Uri server, string eventId) => SocketAddress(server, $"/api/events/{Uri.EscapeDataString(eventId)}/live");

    public static Uri FlightAddress(Uri server, string flightId) => SocketAddress(server, $"/ws?flightId={Uri.EscapeDataString(flightId)}");

    public static async Task<LiveFeed> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(address, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new LiveFeed(socket);
    }

    public async Task<LiveSnapshot> ReceiveSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ReceiveAsync(ClientJson.Default.LiveSnapshot, cancellationToken);
        Version = snapshot.Version;
        return snapshot;
    }

    public async Task<LiveDelta> ReceiveDeltaAsync(CancellationToken cancellationToken)
    {
        var delta = await ReceiveAsync(ClientJson.Default.LiveDelta, cancellationToken);
        Version = delta.ToVersion;
        return delta;
    }

    /// <summary>The tutorial's message: every seat of the flight, with its occupant.</summary>
    public Task<CompatSeat[]> ReceiveSeatListAsync(CancellationToken cancellationToken) =>
        ReceiveAsync(ClientJson.Default.CompatSeatArray, cancellationToken);

    /// <summary>Closes the socket and waits for the server to answer the close.</summary>
    public Task CloseAsync(CancellationToken cancellationToken) =>
        socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);

    public void Dispose() => socket.Dispose();

    private async Task<T> ReceiveAsync<T>(JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        // One buffer for the feed's life, grown to the largest message: a thousand watchers keep a thousand buffers.
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new LiveFeedClosedException(socket.CloseStatus, socket.CloseStatusDescription);
            if (result.MessageType != WebSocketMessageType.Text)
                throw new InvalidDataException($"The feed sent a {result.MessageType} message; it sends only JSON text.");
            length += result.Count;
            if (result.EndOfMessage)
                break;
        }
        LastMessage = _buffer.AsMemory(0, length);
        return JsonSerializer.Deserialize(LastMessage.Span, type)!;
    }

    private static Uri SocketAddress(Uri server, string pathAndQuery) =>
        new($"{(server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws")}://{server.Authority}{pathAndQuery}");
}

/// <summary>The server closed the feed, with a status and a reason that say why; reconnect for a fresh snapshot.</summary>
public sealed class LiveFeedClosedException(WebSocketCloseStatus? status, string? description)
    : InvalidOperationException($"closed by the server: {description}")
{
    public WebSocketCloseStatus? Status { get; } = status;

    public string? Description { get; } = description;
}
