using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Compat;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;
using BoxOffice.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.UnitTests;

public class LiveConnectionTests
{
    private static readonly EventDefinition Flight = new("F1", "Flight", Templates.A320(), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");
    private static readonly LiveSocketOptions Options = new();
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed record Connection(ChangeFeed Feed, ScriptedSocket Socket, Task Running);

    /// <summary>A connection subscribed to a fresh feed of an empty A320, serving <paramref name="socket"/>.</summary>
    private static Connection Connect(ScriptedSocket socket, TimeProvider? time = null, Func<WatchedSeats, ILiveEncoder>? encoderFor = null)
    {
        var feed = new ChangeFeed(0);
        var seats = new WatchedSeats(Flight.Layout, 0, new SeatStatus[Flight.Layout.Count], new string?[Flight.Layout.Count]);
        var connection = new LiveConnection(socket, feed, Options, time ?? TimeProvider.System, NullLogger.Instance);
        feed.Add(connection);
        var encoder = encoderFor?.Invoke(seats) ?? new SeatMapEncoder(seats);
        return new Connection(feed, socket, connection.RunAsync(encoder, CancellationToken.None));
    }

    private static SeatDelta Booking(int version, string? occupant = null) =>
        new(version - 1, version, [new SeatChange(version - 1, SeatStatus.Booked, occupant)]);

    [Fact]
    public async Task A_client_that_stops_reading_never_slows_the_desk_and_is_dropped_once_it_falls_behind()
    {
        var (feed, socket, running) = Connect(new ScriptedSocket(stallFirstSend: true));
        await socket.FirstSendStarted.Task.WaitAsync(Patience);

        // The client is stuck on its first message; the desk keeps publishing without waiting for it.
        for (var version = 1; version <= ChangeFeed.RetainedBatches + 10; version++)
            feed.Publish(new SeatDelta(version - 1, version, [new SeatChange(version % 60, SeatStatus.Booked, null)]));
        Assert.False(running.IsCompleted);
        socket.Unstall();
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal(0, feed.ConnectionCount);
    }

    [Fact]
    public async Task A_burst_reaches_a_connected_client_as_one_coalesced_delta()
    {
        var (feed, socket, running) = Connect(new ScriptedSocket(stallFirstSend: true));
        await socket.FirstSendStarted.Task.WaitAsync(Patience);

        for (var version = 1; version <= 5; version++)
            feed.Publish(new SeatDelta(version - 1, version, [new SeatChange(0, version % 2 == 1 ? SeatStatus.Booked : SeatStatus.Available, null)]));
        socket.Unstall();
        await socket.NextSentAsync();
        var delta = await socket.NextSentAsync();
        feed.Restart(5);
        await running.WaitAsync(Patience);

        Assert.Equal("""{"type":"delta","fromVersion":0,"toVersion":5,"changes":[{"seat":"1A","status":"booked"}]}""", delta);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
    }

    [Fact]
    public async Task A_message_of_exactly_the_size_limit_in_several_frames_is_allowed()
    {
        var (_, socket, running) = Connect(new ScriptedSocket());

        socket.ClientSends(1000, 1000, 1000, Options.MaxMessageBytes - 3000);
        socket.ClientCloses();
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task A_message_one_byte_over_the_size_limit_in_several_frames_is_closed_as_too_big()
    {
        var (feed, socket, running) = Connect(new ScriptedSocket());

        socket.ClientSends(1000, 1000, 1000, Options.MaxMessageBytes - 3000 + 1);
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
        Assert.Equal("Messages to this feed are limited to 4096 bytes.", socket.CloseStatusDescription);
        Assert.Equal(0, feed.ConnectionCount);
    }

    [Fact]
    public async Task The_allowed_messages_per_window_pass_and_one_more_closes_the_connection()
    {
        var time = new ManualTime();
        var (_, socket, running) = Connect(new ScriptedSocket(), time);

        for (var message = 0; message < Options.MaxMessages; message++)
            socket.ClientSends(2);
        await socket.ClientMessagesReadAsync();
        time.Advance(TimeSpan.FromSeconds(Options.MessageWindowSeconds));
        for (var message = 0; message < Options.MaxMessages; message++)
            socket.ClientSends(2);
        await socket.ClientMessagesReadAsync();
        Assert.False(running.IsCompleted);
        socket.ClientSends(2);
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal("Too many messages; this feed expects none.", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task A_protocol_error_ends_the_connection_at_once()
    {
        var (feed, socket, running) = Connect(new ScriptedSocket());
        await socket.NextSentAsync();

        socket.ClientBreaksProtocol();
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketState.Aborted, socket.State);
        Assert.Equal(0, feed.ConnectionCount);
    }

    [Fact]
    public async Task A_connection_with_no_message_either_way_for_the_idle_time_is_closed()
    {
        var time = new ManualTime { DrivesTimers = true };
        var (feed, socket, running) = Connect(new ScriptedSocket(), time);
        await socket.NextSentAsync();
        await time.WaitForTimersAsync(1);

        // A delta sent at 200 s starts the idle time again.
        time.Advance(TimeSpan.FromSeconds(200));
        feed.Publish(Booking(1));
        await socket.NextSentAsync();
        time.Advance(TimeSpan.FromSeconds(100));
        await time.WaitForTimersAsync(1);
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(200));
        await running.WaitAsync(Patience);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("Nothing sent either way for 300 s; reconnect to resume.", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task The_tutorial_socket_folds_every_change_within_100_ms_into_one_seat_list()
    {
        var time = new ManualTime { DrivesTimers = true };
        var (feed, socket, _) = Connect(new ScriptedSocket(), time, seats => new CompatEncoder(seats));
        await socket.NextSentAsync();
        await time.WaitForTimersAsync(1);

        for (var version = 1; version <= 50; version++)
            feed.Publish(Booking(version, $"Passenger {version}"));
        // The idle timer, and the send loop waiting out the interval since the snapshot.
        await time.WaitForTimersAsync(2);
        Assert.False(socket.HasSent);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var first = JsonSerializer.Deserialize<CompatSeat[]>(await socket.NextSentAsync(), JsonSerializerOptions.Web)!;

        feed.Publish(Booking(51, "Passenger 51"));
        await time.WaitForTimersAsync(2);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(socket.HasSent);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = JsonSerializer.Deserialize<CompatSeat[]>(await socket.NextSentAsync(), JsonSerializerOptions.Web)!;

        Assert.Equal(50, first.Count(seat => seat.Occupant is not null));
        Assert.Equal(51, second.Count(seat => seat.Occupant is not null));
        Assert.False(socket.HasSent);
    }

    /// <summary>
    /// A socket the test plays the client of: what the server sends is collected, what the client sends
    /// is scripted, the client answers a close with its own, and the first send can be held back like a
    /// client that stopped reading.
    /// </summary>
    private sealed class ScriptedSocket(bool stallFirstSend = false) : WebSocket
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _unstalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<Func<WebSocketReceiveResult>> _incoming = Channel.CreateUnbounded<Func<WebSocketReceiveResult>>();
        private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();
        private TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private WebSocketState _state = WebSocketState.Open;
        private WebSocketCloseStatus? _closeStatus;
        private string? _closeDescription;
        private int _sends;

        public TaskCompletionSource FirstSendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override WebSocketCloseStatus? CloseStatus => _closeStatus;

        public override string? CloseStatusDescription => _closeDescription;

        public override WebSocketState State => _state;

        public override string? SubProtocol => null;

        public bool HasSent => _sent.Reader.TryPeek(out _);

        public void Unstall() => _unstalled.TrySetResult();

        public async Task<string> NextSentAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        /// <summary>One message from the client, in frames of the given sizes (each at most the server's 1 KB read).</summary>
        public void ClientSends(params int[] frames) => Enqueue(frames.Select((bytes, index) =>
            new WebSocketReceiveResult(bytes, WebSocketMessageType.Text, endOfMessage: index == frames.Length - 1)));

        public void ClientCloses() => Enqueue([new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, WebSocketCloseStatus.NormalClosure, "")]);

        public void ClientBreaksProtocol()
        {
            lock (_gate)
                _incoming.Writer.TryWrite(() => throw new WebSocketException(WebSocketError.Faulted));
        }

        /// <summary>Completes once the server has read and handled everything the client sent so far.</summary>
        public Task ClientMessagesReadAsync()
        {
            lock (_gate)
                return _allRead.Task.WaitAsync(Patience);
        }

        private void Enqueue(IEnumerable<WebSocketReceiveResult> results)
        {
            lock (_gate)
            {
                _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
                foreach (var result in results)
                    _incoming.Writer.TryWrite(() => result);
            }
        }

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _sends) == 1 && stallFirstSend)
            {
                FirstSendStarted.TrySetResult();
                await _unstalled.Task.WaitAsync(cancellationToken);
            }
            await _sent.Writer.WriteAsync(Encoding.UTF8.GetString(buffer), cancellationToken);
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            Func<WebSocketReceiveResult>? next;
            lock (_gate)
            {
                // Asked for more only after handling the last result: everything sent so far has been handled.
                if (!_incoming.Reader.TryRead(out next))
                    _allRead.TrySetResult();
            }
            next ??= await _incoming.Reader.ReadAsync(cancellationToken);
            var result = next();
            if (result.MessageType == WebSocketMessageType.Close)
                _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
            return result;
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            _closeStatus ??= closeStatus;
            _closeDescription ??= statusDescription;
            if (_state == WebSocketState.CloseReceived)
                _state = WebSocketState.Closed;
            else
            {
                _state = WebSocketState.CloseSent;
                ClientCloses();
            }
            return Task.CompletedTask;
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Abort() => _state = WebSocketState.Aborted;

        public override void Dispose()
        {
        }
    }
}
