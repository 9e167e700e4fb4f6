using System.Net.WebSockets;
using System.Text;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.UnitTests;

public class LiveConnectionTests
{
    private static readonly EventDefinition Flight = new("F1", "Flight", Templates.A320(), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");

    /// <summary>A connection subscribed to a fresh feed, stuck sending its snapshot until the test unstalls it.</summary>
    private static async Task<(ChangeFeed Feed, StalledSocket Socket, Task Running)> ConnectStalledAsync()
    {
        var feed = new ChangeFeed(0);
        var socket = new StalledSocket();
        var connection = new LiveConnection(socket, feed, NullLogger.Instance);
        feed.Add(connection);
        var running = connection.RunAsync(new SeatMapEncoder(new SeatMap(Flight, 0, [], feed)), CancellationToken.None);
        await socket.FirstSendStarted.Task;
        return (feed, socket, running);
    }

    [Fact]
    public async Task A_client_that_stops_reading_never_slows_the_desk_and_is_dropped_once_it_falls_behind()
    {
        var (feed, socket, running) = await ConnectStalledAsync();

        // The client is stuck on its first message; the desk keeps publishing without waiting for it.
        for (var version = 1; version <= ChangeFeed.RetainedBatches + 10; version++)
            feed.Publish(new SeatDelta(version - 1, version, [new SeatChange(version % 60, SeatStatus.Booked, null)]));
        Assert.False(running.IsCompleted);
        socket.Unstall();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal(0, feed.ConnectionCount);
    }

    [Fact]
    public async Task A_burst_reaches_a_connected_client_as_one_coalesced_delta()
    {
        var (feed, socket, running) = await ConnectStalledAsync();

        for (var version = 1; version <= 5; version++)
            feed.Publish(new SeatDelta(version - 1, version, [new SeatChange(0, version % 2 == 1 ? SeatStatus.Booked : SeatStatus.Available, null)]));
        socket.Unstall();
        var delta = await socket.Sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        feed.Restart(5);
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("""{"type":"delta","fromVersion":0,"toVersion":5,"changes":[{"seat":"1A","status":"booked"}]}""", delta);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
    }

    /// <summary>A socket whose first send blocks until released, like a client that stopped reading.</summary>
    private sealed class StalledSocket : WebSocket
    {
        private readonly TaskCompletionSource _unstalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sends;
        private WebSocketCloseStatus? _closeStatus;

        public TaskCompletionSource FirstSendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Threading.Channels.Channel<string> Sent { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public override WebSocketCloseStatus? CloseStatus => _closeStatus;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => _closeStatus is null ? WebSocketState.Open : WebSocketState.CloseSent;

        public override string? SubProtocol => null;

        public void Unstall() => _unstalled.TrySetResult();

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _sends) == 1)
            {
                FirstSendStarted.TrySetResult();
                await _unstalled.Task.WaitAsync(cancellationToken);
                return;
            }
            await Sent.Writer.WriteAsync(Encoding.UTF8.GetString(buffer), cancellationToken);
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException();
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            _closeStatus ??= closeStatus;
            return Task.CompletedTask;
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Abort() => _closeStatus ??= WebSocketCloseStatus.Empty;

        public override void Dispose()
        {
        }
    }
}
