using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// Memory over time: many small events, each booked once, so each activates a desk; then nothing, until
/// the server's sweeper has retired every desk. The server's memory should come back to near where it
/// started, because a retired desk must leave nothing behind.
/// </summary>
public static class ManyEvents
{
    private const int Workers = 32;
    private static readonly JsonElement SmallCinema = Layouts.Cinema(6, 10);
    private static readonly BookingRequest OneSeat = new([new SeatRequest("A1", "Memory Test")]);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    // The last desk is counted out during the sweeper's pass, before the pass (and whatever the server
    // does afterwards to give memory back) has finished.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary><paramref name="idle"/> is the server's <c>Desks:IdleSeconds</c>: how long a desk must be unused before it is retired.</summary>
    public static async Task<Report> RunAsync(Target target, int events, TimeSpan idle, CancellationToken cancellationToken)
    {
        var atStart = await target.MetricsAsync(cancellationToken);
        var ids = Enumerable.Range(0, events).Select(_ => Target.NewEventId("events")).ToArray();
        int booked = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellationToken }, async (id, token) =>
        {
            try
            {
                // A clash of two random ids is a 409 here, counted as an error like any other refusal.
                await target.CreateEventAsync(id, SmallCinema, token);
                var answer = await target.Client.BookAsync(id, OneSeat, token);
                Interlocked.Increment(ref answer.Status == HttpStatusCode.Created ? ref booked : ref errors);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
        });
        var busySeconds = clock.Elapsed.TotalSeconds;
        var afterBooking = await target.MetricsAsync(cancellationToken);

        // Bounded: a sweep that has not retired every desk by one and a half idle periods (plus slack for
        // a busy machine) has failed, and the report shows the desks still active.
        var idleSince = Stopwatch.StartNew();
        await Task.Delay(idle, cancellationToken);
        var deadline = idle * 1.5 + TimeSpan.FromSeconds(30);
        var afterRetirement = await target.MetricsAsync(cancellationToken);
        while (afterRetirement.ActiveDesks > atStart.ActiveDesks && idleSince.Elapsed < deadline)
        {
            await Task.Delay(PollEvery, cancellationToken);
            afterRetirement = await target.MetricsAsync(cancellationToken);
        }
        var retiredAfter = idleSince.Elapsed.TotalSeconds;
        await Task.Delay(Settle, cancellationToken);
        afterRetirement = await target.MetricsAsync(cancellationToken);

        return new Report("events")
            .Add("events booked", booked)
            .Add("errors", errors)
            .Add("create + book", Math.Round(booked / busySeconds), "events/s")
            .Add("RSS at start", atStart.WorkingSetMegabytes, "MB")
            .Add("RSS after booking", afterBooking.WorkingSetMegabytes, "MB")
            .Add("RSS after retirement", afterRetirement.WorkingSetMegabytes, "MB")
            .Add("GC heap at start", atStart.GcHeapMegabytes, "MB")
            .Add("GC heap after booking", afterBooking.GcHeapMegabytes, "MB")
            .Add("GC heap after retirement", afterRetirement.GcHeapMegabytes, "MB")
            .Add("desks active after booking", afterBooking.ActiveDesks)
            .Add("desks active after retirement", afterRetirement.ActiveDesks)
            .Add("retired within", Math.Round(retiredAfter), "s");
    }
}
