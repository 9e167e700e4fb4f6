using System.Net.WebSockets;
using System.Threading.Channels;
using BoxOffice.Server.Booking;

namespace BoxOffice.Server.Live;

/// <summary>Turns a connection's view of the feed into WebSocket messages.</summary>
public interface ILiveEncoder
{
    /// <summary>The version the first message describes.</summary>
    long Version { get; }

    byte[] Snapshot();

    /// <summary>One message for every delta since the last one sent, however many there were.</summary>
    byte[] Encode(IReadOnlyList<SeatDelta> deltas);
}

/// <summary>
/// One WebSocket subscriber. The desk only nudges it; the connection then reads everything new from
/// the feed and sends it as a single coalesced message, so a slow client costs the desk nothing and
/// sees fewer, larger messages. A client that stays behind is dropped and re-syncs when it reconnects.
/// </summary>
public sealed partial class LiveConnection(WebSocket socket, ChangeFeed feed, ILogger logger) : IFeedSubscriber
{
    public const int MaxIncomingMessageBytes = 4 * 1024;
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _nudges.Writer.TryWrite(true);

    /// <summary>Ends the nudges; the send loop then closes the socket and the client reconnects for a fresh snapshot.</summary>
    public void Disconnect() => _nudges.Writer.TryComplete();

    public async Task RunAsync(ILiveEncoder encoder, CancellationToken requestAborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var receiving = ReceiveUntilClosedAsync(stop);
        try
        {
            await SendAsync(encoder.Snapshot(), stop.Token);
            var version = encoder.Version;
            var deltas = new List<SeatDelta>();
            while (await _nudges.Reader.WaitToReadAsync(stop.Token))
            {
                _nudges.Reader.TryRead(out _);
                deltas.Clear();
                if (!feed.TryReadSince(version, deltas))
                {
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, "Fell behind; reconnect to re-sync.");
                    return;
                }
                if (deltas.Count == 0)
                    continue;
                await SendAsync(encoder.Encode(deltas), stop.Token);
                version = deltas[^1].ToVersion;
            }
            await CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Event reloaded; reconnect to re-sync.");
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(logger, error.Message);
        }
        finally
        {
            feed.Remove(this);
            await stop.CancelAsync();
            await receiving;
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "Goodbye.");
        }
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        // A client that cannot take a message within the timeout is too slow to keep.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Clients have nothing to say; reading only notices their close and refuses oversized messages.</summary>
    private async Task ReceiveUntilClosedAsync(CancellationTokenSource stop)
    {
        var buffer = new byte[1024];
        var messageBytes = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                messageBytes = result.EndOfMessage ? 0 : messageBytes + result.Count;
                if (messageBytes > MaxIncomingMessageBytes)
                {
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, "Messages to this endpoint are limited to 4 KB.");
                    break;
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            return;
        }
        await stop.CancelAsync();
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(logger, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live connection ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string reason);
}
