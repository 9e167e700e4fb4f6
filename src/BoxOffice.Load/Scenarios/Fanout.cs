using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
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
        var watchers = new LiveWatcher[clients];
        for (var i = 0; i < clients; i++)
            watchers[i] = await LiveWatcher.ConnectAsync(target.Urls[i % target.Urls.Count], eventId, stop.Token);

        var acknowledged = new ConcurrentDictionary<string, long>();
        var seats = Enumerable.Range(0, bookings).Select(seat => $"S1-{seat / 25 + 1}-{seat % 25 + 1}").ToArray();
        var errors = 0;
        await Parallel.ForEachAsync(seats, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (seat, token) =>
        {
            var booked = await target.Client.BookAsync(eventId, new BookingRequest([new SeatRequest(seat, "Watched")]), token);
            if (booked.Status == HttpStatusCode.Created)
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
}
