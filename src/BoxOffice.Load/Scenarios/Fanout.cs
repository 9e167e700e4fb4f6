using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// W WebSocket clients watch one event while bookings happen. For every booking and every client it
/// measures the time from the booking's 2xx to the client's receipt of that seat, and it checks that
/// each client's versions run on without a gap.
/// </summary>
public static class Fanout
{
    public static async Task<Report> RunAsync(Target target, int clients, int bookings, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("fanout");
        await target.CreateEventAsync(eventId, Target.Grid(Math.Max(bookings, 25)), cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new Watcher[clients];
        for (var i = 0; i < clients; i++)
            watchers[i] = await Watcher.ConnectAsync(target.Urls[i % target.Urls.Count], eventId, stop.Token);

        var acknowledged = new ConcurrentDictionary<string, long>();
        var seats = Enumerable.Range(0, bookings).Select(seat => $"S1-{seat / 25 + 1}-{seat % 25 + 1}").ToArray();
        var errors = 0;
        await Parallel.ForEachAsync(seats, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (seat, token) =>
        {
            using var response = await target.Client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { seats = new[] { new { seat, name = "Watched" } } }, token);
            if (response.StatusCode == HttpStatusCode.Created)
                acknowledged[seat] = Stopwatch.GetTimestamp();
            else
                Interlocked.Increment(ref errors);
        });

        // Bounded wait for the last deliveries to land.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15) && watchers.Any(w => w.Received.Count < acknowledged.Count && w.Failure is null))
            await Task.Delay(20, cancellationToken);
        await stop.CancelAsync();

        var delivery = new Latencies();
        var missed = 0;
        foreach (var watcher in watchers)
        {
            foreach (var (seat, ackedAt) in acknowledged)
            {
                if (watcher.Received.TryGetValue(seat, out var receivedAt))
                    delivery.AddMilliseconds(Math.Max(0, Stopwatch.GetElapsedTime(ackedAt, receivedAt).TotalMilliseconds));
                else
                    missed++;
            }
            watcher.Dispose();
        }
        return new Report("fanout")
            .Add("clients", clients)
            .Add("bookings", acknowledged.Count)
            .Add("booking errors", errors)
            .Add("messages received", watchers.Sum(w => w.Messages))
            .AddLatencies("delivery ", delivery)
            .Add("delivery max", Math.Round(delivery.Max, 1), "ms")
            .Add("missed deliveries", missed)
            .Add("version gaps", watchers.Sum(w => w.Gaps))
            .Add("dropped clients", watchers.Count(w => w.Failure is not null));
    }

    private sealed class Watcher : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private long _version;

        public ConcurrentDictionary<string, long> Received { get; } = new();

        public int Messages { get; private set; }

        public int Gaps { get; private set; }

        public string? Failure { get; private set; }

        public static async Task<Watcher> ConnectAsync(Uri server, string eventId, CancellationToken cancellationToken)
        {
            var watcher = new Watcher();
            var scheme = server.Scheme == "https" ? "wss" : "ws";
            await watcher._socket.ConnectAsync(new Uri($"{scheme}://{server.Authority}/api/events/{eventId}/live"), cancellationToken);
            var snapshot = JsonSerializer.Deserialize<LiveSnapshot>(await watcher.ReceiveAsync(cancellationToken), JsonSerializerOptions.Web)!;
            watcher._version = snapshot.Version;
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
}
