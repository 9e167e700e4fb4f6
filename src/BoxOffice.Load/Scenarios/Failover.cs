using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// Kills (SIGKILL) the process that hosts an event while buyers on every process book it: how long until a
/// survivor books again, and whether any acknowledged booking was lost. Needs each process's <c>--url</c>, and
/// the PID of the first one, which is the one killed; the tool must run on the same machine.
/// </summary>
public static class Failover
{
    private static readonly BookingRequest FirstBuyer = new(null, Count: 1, Names: ["First"]);

    public static async Task<Report> RunAsync(Target target, int victimPid, int connections, int seats, CancellationToken cancellationToken)
    {
        if (target.Urls.Count < 2)
            throw new InvalidOperationException("failover needs the address of every process (--url per process), the victim's first.");
        using var victim = Process.GetProcessById(victimPid);
        var eventId = Target.NewEventId("failover");
        await target.CreateEventAsync(eventId, Target.Grid(seats), cancellationToken);
        var clients = target.Urls.Select(url => new BoxOfficeClient(new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) })).ToArray();
        // A desk lives where it is first asked for: the first booking goes through the victim.
        (await clients[0].BookAsync(eventId, FirstBuyer, cancellationToken)).EnsureSuccess();

        var acknowledged = new ConcurrentBag<BookingResponse>();
        var unavailable = 0;
        var other = 0;
        long killedAt = 0, movedAt = 0;
        var next = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(120));
        var goal = seats * 9 / 10;
        var thirdAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buyers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var client = clients[worker % clients.Length];
            while (acknowledged.Count < goal && !stop.IsCancellationRequested)
            {
                try
                {
                    // Only a request sent after the kill shows the event served again: one sent before may be answered by the victim.
                    var sentAfterKill = Volatile.Read(ref killedAt) != 0;
                    var answer = await client.BookAsync(eventId, new BookingRequest(null, Count: 1, Names: [$"Buyer {Interlocked.Increment(ref next)}"]), stop.Token);
                    if (answer.Status == HttpStatusCode.Created)
                    {
                        acknowledged.Add(answer.Value);
                        if (acknowledged.Count >= goal / 3)
                            thirdAcknowledged.TrySetResult();
                        if (worker % clients.Length != 0 && sentAfterKill)
                            Interlocked.CompareExchange(ref movedAt, Stopwatch.GetTimestamp(), 0);
                    }
                    else if (answer.Status == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref unavailable);
                        await Task.Delay(100, stop.Token);
                    }
                    else if (answer.Status != HttpStatusCode.Conflict)
                    {
                        Interlocked.Increment(ref other);
                    }
                }
                catch (HttpRequestException) when (worker % clients.Length == 0)
                {
                    return; // The victim's own clients stop with it.
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }, CancellationToken.None)).ToArray();

        await Task.WhenAny(thirdAcknowledged.Task, Task.WhenAll(buyers));
        var beforeKill = acknowledged.Count;
        victim.Kill();
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        await Task.WhenAll(buyers);
        foreach (var client in clients)
            client.Dispose();

        // Checked through a survivor: the victim is gone.
        var survivors = new Target([.. target.Urls.Skip(1)], target.AdminToken, 32);
        var lost = await Rush.CountLostAsync(survivors, acknowledged, cancellationToken);
        var audit = await survivors.AuditAsync(eventId, cancellationToken);
        survivors.Dispose();
        return new Report("failover")
            .Add("acknowledged before the kill", beforeKill)
            .Add("acknowledged", acknowledged.Count)
            .Add("first 2xx on a survivor after the kill", movedAt == 0 ? -1 : Math.Round(Stopwatch.GetElapsedTime(killedAt, movedAt).TotalMilliseconds), "ms")
            .Add("503 answers", unavailable)
            .Add("other errors", other)
            .Add("acknowledged bookings lost", lost)
            .Add("anomalies (audit)", audit.Anomalies.Count);
    }
}
