using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>Steady-state scenarios: each is a closed loop over one kind of request.</summary>
public static class SimpleScenarios
{
    /// <summary>A no-op route: what this server and machine can do at all, the yardstick for every ratio.</summary>
    public static async Task<Report> CeilingAsync(Target target, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (ok, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (_, token) =>
            (await target.Client.PingAsync(token)).IsSuccess, cancellationToken);
        return new Report("ceiling")
            .Add("requests/s", Math.Round(ok / seconds))
            .Add("errors", failed)
            .AddLatencies("", latencies);
    }

    /// <summary>Distinct free seats across many events: no contention, so this measures the commit path.</summary>
    public static async Task<Report> ThroughputAsync(Target target, int connections, TimeSpan duration, int events, CancellationToken cancellationToken)
    {
        const int SeatsPerEvent = 10_000;
        var eventIds = Enumerable.Range(0, events).Select(_ => Target.NewEventId("throughput")).ToArray();
        foreach (var id in eventIds)
            await target.CreateEventAsync(id, Target.Grid(SeatsPerEvent), cancellationToken);
        var nextSeat = new int[events];

        var (ok, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (worker, token) =>
        {
            var slot = worker % events;
            var seat = Interlocked.Increment(ref nextSeat[slot]) - 1;
            if (seat >= SeatsPerEvent)
                return false;
            var label = $"S1-{seat / 25 + 1}-{seat % 25 + 1}";
            var booked = await target.Client.BookAsync(eventIds[slot], new BookingRequest([new SeatRequest(label, $"Guest {seat}")]), token);
            return booked.Status == HttpStatusCode.Created;
        }, cancellationToken);
        return new Report("throughput")
            .Add("bookings/s", Math.Round(ok / seconds))
            .Add("errors", failed)
            .Add("events", events)
            .AddLatencies("", latencies);
    }

    public static async Task<Report> ReadsAsync(Target target, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("reads");
        await target.CreateEventAsync(eventId, Layouts.A320, cancellationToken);
        var (ok, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (_, token) =>
            (await target.Client.GetSeatMapAsync(eventId, token)).IsSuccess, cancellationToken);
        return new Report("reads")
            .Add("seat-map reads/s", Math.Round(ok / seconds))
            .Add("errors", failed)
            .AddLatencies("", latencies);
    }
}
