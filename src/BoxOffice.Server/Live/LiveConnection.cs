using System.Net.WebSockets;
using System.Threading.Channels;
using BoxOffice.Server.Desk;

namespace BoxOffice.Server.Live;

/// <summary>Turns a connection's view of the feed into WebSocket messages.</summary>
public interface ILiveEncoder
{
    /// <summary>The version the first message describes.</summary>
    long Version { get; }

    /// <summary>The least time between two messages; changes in between are folded into the next one.</summary>
    TimeSpan MinInterval { get; }

    byte[] Snapshot();

    /// <summary>One message for every delta since the last one sent, however many there were.</summary>
    byte[] Encode(IReadOnlyList<SeatDelta> deltas);
}

/// <summary>
/// One WebSocket subscriber. The desk only nudges it; the connection then reads everything new from
/// the feed and sends it as a single coalesced message, so a slow client costs the desk nothing and
/// sees fewer, larger messages. A client that stays behind is dropped and re-syncs when it reconnects.
/// Clients have nothing to say here: one that sends too much, or nothing is said either way for too
/// long, is closed with a status that says why.
/// </summary>
public sealed partial class LiveConnection(WebSocket socket, ChangeFeed feed, LiveSocketOptions options, TimeProvider time, ILogger logger) : IFeedSubscriber
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TimeSpan _idleAfter = TimeSpan.FromSeconds(options.IdleSeconds);
    private long _lastTrafficAt = time.GetTimestamp();
    private CloseReason? _closeReason;

    public void Notify() => _nudges.Writer.TryWrite(true);

    /// <summary>Ends the nudges; the send loop then closes the socket and the client reconnects for a fresh snapshot.</summary>
    public void Disconnect() => _nudges.Writer.TryComplete();

    /// <summary>Closes a socket that was accepted only to say why it may not stay.</summary>
    public static async Task RefuseAsync(WebSocket socket, CloseReason reason, ILogger logger)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await socket.CloseAsync(reason.Status, reason.Description, timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(logger, error.Message);
        }
    }

    public async Task RunAsync(ILiveEncoder encoder, CancellationToken requestAborted)
    {
        // Two tokens, because cancelling a pending receive aborts the socket: sending and waiting stop
        // first, the close goes out, and reading stops only once the client has answered it.
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var receiving = ReceiveUntilClosedAsync(stopSending, stopReading.Token);
        var watching = CloseWhenIdleAsync(stopSending);
        try
        {
            await SendAsync(encoder.Snapshot(), requestAborted);
            var sentAt = time.GetTimestamp();
            var version = encoder.Version;
            var deltas = new List<SeatDelta>();
            while (await _nudges.Reader.WaitToReadAsync(stopSending.Token))
            {
                // Waiting before reading the feed folds every change of the interval into one message.
                var wait = encoder.MinInterval - time.GetElapsedTime(sentAt);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, stopSending.Token);
                _nudges.Reader.TryRead(out _);
                deltas.Clear();
                if (!feed.TryReadSince(version, deltas))
                {
                    await StopAsync(stopSending, LiveCloses.FellBehind);
                    return;
                }
                if (deltas.Count == 0)
                    continue;
                await SendAsync(encoder.Encode(deltas), requestAborted);
                sentAt = time.GetTimestamp();
                version = deltas[^1].ToVersion;
            }
            await StopAsync(stopSending, LiveCloses.Reloaded);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(logger, error.Message);
        }
        finally
        {
            feed.Remove(this);
            await stopSending.CancelAsync();
            await CloseAsync(_closeReason ?? LiveCloses.Goodbye);
            try
            {
                await receiving.WaitAsync(CloseTimeout, time, requestAborted);
            }
            catch (Exception error) when (error is TimeoutException or OperationCanceledException)
            {
                LogConnectionEnded(logger, "the client did not answer the close");
            }
            await stopReading.CancelAsync();
            await receiving;
            await watching;
        }
    }

    /// <summary>The first reason wins: a client that floods and then falls silent is closed for the flood.</summary>
    private async Task StopAsync(CancellationTokenSource stopSending, CloseReason reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        await stopSending.CancelAsync();
    }

    private void Touch() => Volatile.Write(ref _lastTrafficAt, time.GetTimestamp());

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        // A client that cannot take a message within the timeout is too slow to keep.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        Touch();
        await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Reads only to notice the client's close and to refuse what it should not send: big messages, or many.</summary>
    private async Task ReceiveUntilClosedAsync(CancellationTokenSource stopSending, CancellationToken stopReading)
    {
        var buffer = new byte[1024];
        var messageBytes = 0;
        var window = new MessageWindow(options, time);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, stopReading);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await StopAsync(stopSending, LiveCloses.Goodbye);
                    return;
                }
                Touch();
                messageBytes += result.Count;
                if (messageBytes > options.MaxMessageBytes)
                {
                    await StopAsync(stopSending, LiveCloses.MessageTooBig(options.MaxMessageBytes));
                    return;
                }
                if (!result.EndOfMessage)
                    continue;
                messageBytes = 0;
                if (!window.TryCount())
                {
                    await StopAsync(stopSending, LiveCloses.TooManyMessages);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException error)
        {
            // A protocol error or a vanished peer: nothing more can be said on this socket, so it goes at once.
            LogConnectionEnded(logger, error.Message);
            socket.Abort();
            await stopSending.CancelAsync();
        }
    }

    private async Task CloseWhenIdleAsync(CancellationTokenSource stopSending)
    {
        try
        {
            while (true)
            {
                var quiet = time.GetElapsedTime(Volatile.Read(ref _lastTrafficAt));
                if (quiet >= _idleAfter)
                {
                    await StopAsync(stopSending, LiveCloses.Idle(options.IdleSeconds));
                    return;
                }
                await Task.Delay(_idleAfter - quiet, time, stopSending.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CloseAsync(CloseReason reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await socket.CloseOutputAsync(reason.Status, reason.Description, timeout.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException)
        {
            LogConnectionEnded(logger, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live connection ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string reason);

    /// <summary>A fixed window of <see cref="LiveSocketOptions.MaxMessages"/> messages per <see cref="LiveSocketOptions.MessageWindowSeconds"/>.</summary>
    private sealed class MessageWindow(LiveSocketOptions options, TimeProvider time)
    {
        private readonly TimeSpan _length = TimeSpan.FromSeconds(options.MessageWindowSeconds);
        private long _startedAt = time.GetTimestamp();
        private int _count;

        public bool TryCount()
        {
            if (time.GetElapsedTime(_startedAt) >= _length)
            {
                _startedAt = time.GetTimestamp();
                _count = 0;
            }
            return ++_count <= options.MaxMessages;
        }
    }
}
