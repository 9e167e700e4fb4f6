using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// A long mixed load, to see that throughput, latency and memory hold steady over time and that nothing
/// ends up inconsistent: seat-map reads, named and best-available bookings, cancellations, checkouts paid
/// or declined through the signed webhook, the tutorial's flights, and WebSocket clients that come and
/// go. Measured minute by minute; every event it used is audited at the end.
/// </summary>
public static class Soak
{
    private const int Events = 8;
    private const int Rows = 12;
    private const int SeatsPerRow = 16;
    private const int Flights = 4;
    // Booking a flight by name moves that passenger, so a pool of 30 names never fills a 60-seat flight.
    private const int Passengers = 30;
    private const int LiveClients = 16;
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static async Task<Report> RunAsync(Target target, string webhookSecret, int connections, int minutes, CancellationToken cancellationToken)
    {
        var events = Enumerable.Range(0, Events).Select(_ => Target.NewEventId("soak")).ToArray();
        foreach (var id in events)
            await target.CreateEventAsync(id, Layouts.Cinema(Rows, SeatsPerRow), cancellationToken);
        var checkouts = new OnSales(target, webhookSecret);
        // The tutorial creates a flight on its first read.
        var flights = Enumerable.Range(0, Flights).Select(_ => Target.NewEventId("soak-flight")).ToArray();
        foreach (var id in flights)
            (await target.Client.GetFlightSeatsAsync(id, cancellationToken)).EnsureSuccess();

        var mix = new Mix(target, events, flights, checkouts, connections);
        using var stopLive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var live = new LiveChurn();
        var liveClients = Enumerable.Range(0, LiveClients)
            .Select(client => Task.Run(() => live.RunAsync(target.Urls[client % target.Urls.Count], events, stopLive.Token), CancellationToken.None))
            .ToArray();

        var report = new Report("soak");
        int requests = 0, errors = 0;
        await ClosedLoop.MeasureAsync(connections, ClosedLoop.WarmUp, mix.NextAsync, cancellationToken);
        for (var minute = 1; minute <= minutes; minute++)
        {
            var (ok, failed, seconds, latencies) = await ClosedLoop.MeasureAsync(connections, Minute, mix.NextAsync, cancellationToken);
            var metrics = await target.MetricsAsync(cancellationToken);
            requests += ok + failed;
            errors += failed;
            report.Add($"minute {minute}: requests/s", Math.Round((ok + failed) / seconds))
                .Add($"minute {minute}: p99", Math.Round(latencies.Percentile(99), 1), "ms")
                .Add($"minute {minute}: RSS", metrics.WorkingSetMegabytes, "MB");
        }
        await stopLive.CancelAsync();
        await Task.WhenAll(liveClients);

        var anomalies = 0;
        var audited = events.Concat(flights).Concat(checkouts.Events).ToArray();
        foreach (var id in audited)
            anomalies += (await target.AuditAsync(id, cancellationToken)).Anomalies.Count;
        return report
            .Add("requests", requests)
            .Add("errors", errors)
            .Add("bookings", mix.Booked)
            .Add("refused (seats taken)", mix.Refused)
            .Add("cancellations", mix.Cancelled)
            .Add("orders paid", mix.Paid)
            .Add("orders declined", mix.Declined)
            .Add("paid events sold out", checkouts.Events.Count - 1)
            .Add("live connections", live.Connections)
            .Add("live connections failed", live.Failed)
            .Add("live version gaps", live.Gaps)
            .Add("events audited", audited.Length)
            .Add("anomalies (audit)", anomalies);
    }

    /// <summary>
    /// What each closed-loop worker does next, drawn at random. Each worker cancels only its own bookings,
    /// so it keeps them in a list of its own and needs no lock.
    /// </summary>
    private sealed class Mix(Target target, string[] events, string[] flights, OnSales checkouts, int workers)
    {
        private readonly List<BookingResponse>[] _bookings = [.. Enumerable.Range(0, workers).Select(_ => new List<BookingResponse>())];
        private int _booked;
        private int _refused;
        private int _cancelled;
        private int _paid;
        private int _declined;

        public int Booked => _booked;

        public int Refused => _refused;

        public int Cancelled => _cancelled;

        public int Paid => _paid;

        public int Declined => _declined;

        public Task<bool> NextAsync(int worker, CancellationToken cancellationToken) => Random.Shared.Next(100) switch
        {
            < 35 => ReadAsync(cancellationToken),
            < 50 => BookAsync(worker, new BookingRequest([new SeatRequest(RandomSeat(), $"Soak {worker}")]), cancellationToken),
            < 65 => BookAsync(worker, new BookingRequest(null, Count: 2, Names: [$"Soak {worker}", $"Guest of {worker}"]), cancellationToken),
            < 85 => _bookings[worker].Count > 0 ? CancelAsync(worker, cancellationToken) : ReadAsync(cancellationToken),
            < 90 => ReadFlightAsync(cancellationToken),
            < 95 => CheckoutAsync(worker, cancellationToken),
            _ => BookFlightAsync(cancellationToken),
        };

        /// <summary>An order of one seat, paid through the signed webhook, or one time in four declined, which releases the seat.</summary>
        private async Task<bool> CheckoutAsync(int worker, CancellationToken cancellationToken)
        {
            var eventId = await checkouts.CurrentAsync(cancellationToken);
            var (order, status) = await CheckoutRush.CreateOrderAsync(target, eventId, $"Soak {worker}", cancellationToken);
            if (status == HttpStatusCode.Conflict)
            {
                checkouts.SoldOut(eventId);
                return true;
            }
            if (order is null)
                return false;
            var declined = Random.Shared.Next(4) == 0;
            var answer = await CheckoutRush.SendWebhookAsync(target, checkouts.WebhookSecret, order, declined ? "failed" : "paid", cancellationToken);
            return Counted(answer == HttpStatusCode.OK, ref declined ? ref _declined : ref _paid);
        }

        private async Task<bool> ReadAsync(CancellationToken cancellationToken) =>
            (await target.Client.GetSeatMapAsync(Pick(events), cancellationToken)).Status == HttpStatusCode.OK;

        private async Task<bool> BookAsync(int worker, BookingRequest request, CancellationToken cancellationToken)
        {
            var answer = await target.Client.BookAsync(Pick(events), request, cancellationToken);
            if (answer.Status == HttpStatusCode.Created)
            {
                _bookings[worker].Add(answer.Value);
                Interlocked.Increment(ref _booked);
                return true;
            }
            // Seats taken and sold out are answers, not failures.
            return Counted(answer.Status == HttpStatusCode.Conflict, ref _refused);
        }

        private async Task<bool> CancelAsync(int worker, CancellationToken cancellationToken)
        {
            var mine = _bookings[worker];
            var index = Random.Shared.Next(mine.Count);
            var booking = mine[index];
            mine[index] = mine[^1];
            mine.RemoveAt(mine.Count - 1);
            var answer = await target.Client.CancelBookingAsync(booking.Reference, booking.ManageToken, cancellationToken);
            return Counted(answer.Status == HttpStatusCode.NoContent, ref _cancelled);
        }

        private async Task<bool> ReadFlightAsync(CancellationToken cancellationToken) =>
            (await target.Client.GetFlightSeatsAsync(Pick(flights), cancellationToken)).Status == HttpStatusCode.OK;

        private async Task<bool> BookFlightAsync(CancellationToken cancellationToken)
        {
            var seat = $"{Random.Shared.Next(1, 11)}{(char)('A' + Random.Shared.Next(6))}";
            var answer = await target.Client.BookFlightSeatAsync(
                Pick(flights), new CompatBookRequest(seat, $"Passenger {Random.Shared.Next(Passengers)}"), cancellationToken);
            return answer.Status is HttpStatusCode.OK or HttpStatusCode.Conflict;
        }

        private static bool Counted(bool outcome, ref int counter)
        {
            if (outcome)
                Interlocked.Increment(ref counter);
            return outcome;
        }

        private static string RandomSeat() => $"{(char)('A' + Random.Shared.Next(Rows))}{Random.Shared.Next(1, SeatsPerRow + 1)}";

        private static string Pick(string[] ids) => ids[Random.Shared.Next(ids.Length)];
    }

    /// <summary>A WebSocket client that watches a random event for a few seconds, leaves, and comes back, until stopped.</summary>
    private sealed class LiveChurn
    {
        private int _connections;
        private int _failed;
        private int _gaps;

        public int Connections => _connections;

        public int Failed => _failed;

        public int Gaps => _gaps;

        public async Task RunAsync(Uri server, string[] events, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                using var stay = CancellationTokenSource.CreateLinkedTokenSource(stop);
                try
                {
                    using var watcher = await LiveWatcher.ConnectAsync(server, events[Random.Shared.Next(events.Length)], stay.Token);
                    Interlocked.Increment(ref _connections);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1_000, 5_000)), stop)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await stay.CancelAsync();
                    Interlocked.Add(ref _gaps, watcher.Gaps);
                    if (watcher.Failure is not null)
                        Interlocked.Increment(ref _failed);
                }
                catch (Exception error) when (error is WebSocketException or InvalidOperationException or OperationCanceledException)
                {
                    if (!stop.IsCancellationRequested)
                        Interlocked.Increment(ref _failed);
                }
            }
        }
    }

    /// <summary>
    /// Paid events on sale one after another: when one sells out the next opens, as on a busy box office,
    /// so no single event piles up orders for the whole run.
    /// </summary>
    private sealed class OnSales(Target target, string webhookSecret)
    {
        // 1,000 seats: at this mix's rate an on-sale sells out in seconds and the next opens.
        private static readonly JsonElement Layout = Layouts.Cinema(20, 50);
        private readonly Lock _gate = new();
        private readonly List<string> _events = [];
        private Task<string>? _current;

        public string WebhookSecret => webhookSecret;

        public IReadOnlyCollection<string> Events
        {
            get
            {
                lock (_gate)
                    return [.. _events];
            }
        }

        public Task<string> CurrentAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
                return _current ??= OpenAsync(cancellationToken);
        }

        /// <summary>Only the first worker to find the current event sold out opens the next one.</summary>
        public void SoldOut(string eventId)
        {
            lock (_gate)
            {
                if (_current is { IsCompletedSuccessfully: true } current && current.Result == eventId)
                    _current = null;
            }
        }

        private async Task<string> OpenAsync(CancellationToken cancellationToken)
        {
            var id = Target.NewEventId("soak-paid");
            await target.CreateEventAsync(id, Layout, cancellationToken,
                prices: new Dictionary<string, long> { ["standard"] = 2500 });
            lock (_gate)
                _events.Add(id);
            return id;
        }
    }
}
