using System.Net;
using System.Net.Http.Json;

namespace BoxOffice.Load.Scenarios;

/// <summary>Steady-state scenarios: each is a closed loop over one kind of request.</summary>
public static class SimpleScenarios
{
    /// <summary>A no-op route: what this server and machine can do at all, the yardstick for every ratio.</summary>
    public static async Task<Report> CeilingAsync(Target target, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (ok, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (_, token) =>
        {
            using var response = await target.Client.GetAsync("/ping", token);
            return response.IsSuccessStatusCode;
        }, cancellationToken);
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
            using var response = await target.Client.PostAsJsonAsync(
                $"/api/events/{eventIds[slot]}/bookings", new { seats = new[] { new { seat = label, name = $"Guest {seat}" } } }, token);
            return response.StatusCode == HttpStatusCode.Created;
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
        await target.CreateEventAsync(eventId, new { template = "a320" }, cancellationToken);
        var (ok, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (_, token) =>
        {
            using var response = await target.Client.GetAsync($"/api/events/{eventId}", token);
            await response.Content.LoadIntoBufferAsync(token);
            return response.IsSuccessStatusCode;
        }, cancellationToken);
        return new Report("reads")
            .Add("seat-map reads/s", Math.Round(ok / seconds))
            .Add("errors", failed)
            .AddLatencies("", latencies);
    }
}
