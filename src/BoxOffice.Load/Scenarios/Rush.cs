using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// A flash crowd: every buyer is released at the same instant. <c>contention</c> sends best-available
/// requests at a fresh event; <c>hotseat</c> sends everyone at one named seat.
/// </summary>
public static class Rush
{
    public static async Task<Report> ContentionAsync(Target target, int seats, int users, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("contention");
        await target.CreateEventAsync(eventId, Target.Grid(seats), cancellationToken);
        var outcome = await RunAsync(users, index => new BookingRequest(null, Count: 1, Names: [$"Buyer {index}"]), target, eventId, cancellationToken);
        var audit = await target.AuditAsync(eventId, cancellationToken);
        var lost = await CountLostAsync(target, outcome.Booked, cancellationToken);
        var doubleBooked = outcome.Booked.SelectMany(b => b.Seats).GroupBy(s => s.Seat).Count(g => g.Count() > 1);

        return new Report("contention")
            .Add("seats", seats)
            .Add("buyers", users)
            .Add("told success", outcome.Booked.Count)
            .Add("sold out", outcome.Conflicts)
            .Add("errors", outcome.Errors)
            .Add("seats booked (audit)", audit.Counts["booked"])
            .Add("lost updates", lost)
            .Add("double bookings", doubleBooked + audit.Anomalies.Count(a => a.Kind == "double_claim"))
            .Add("anomalies (audit)", audit.Anomalies.Count)
            .Add("wall time", Math.Round(outcome.Wall.TotalMilliseconds), "ms")
            .AddLatencies("", outcome.Latencies);
    }

    /// <summary>
    /// The same rush against each strategy of the server's race lab (<c>Lab:Enabled=true</c>): the server plays
    /// the buyers itself (<c>POST /api/lab/runs</c>) and judges each strategy by what its database says afterwards.
    /// </summary>
    public static async Task<Report[]> LabAsync(Target target, int seats, int users, CancellationToken cancellationToken)
    {
        var run = await target.RunLabAsync(seats, users, cancellationToken);
        if (run.Status != "done")
            throw new InvalidOperationException($"The lab run {run.Id} ended {run.Status}: {run.Error}");
        return [.. run.Results.Select(result => new Report($"lab: {result.Strategy}")
            .Add("seats", run.Seats)
            .Add("buyers", run.Buyers)
            .Add("told success", result.ToldSuccess)
            .Add("seats claimed", result.SeatsClaimed)
            .Add("lost updates", result.LostUpdates)
            .Add("double-booked seats", result.DoubleBookedSeats)
            .Add("unsold seats", result.UnsoldSeats)
            .Add("anomalies (audit)", result.AuditAnomalies)
            .Add("refused", result.Refused)
            .Add("errors", result.Errors)
            .Add("wall time", result.WallMs, "ms")
            .Add("p99", result.P99Ms, "ms"))];
    }

    public static async Task<Report> HotSeatAsync(Target target, int users, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("hotseat");
        await target.CreateEventAsync(eventId, Layouts.A320, cancellationToken);
        var outcome = await RunAsync(users, index => new BookingRequest([new SeatRequest("1A", $"Buyer {index}")]), target, eventId, cancellationToken);
        var audit = await target.AuditAsync(eventId, cancellationToken);

        return new Report("hotseat")
            .Add("buyers", users)
            .Add("winners", outcome.Booked.Count)
            .Add("refused", outcome.Conflicts)
            .Add("errors", outcome.Errors)
            .Add("seats booked (audit)", audit.Counts["booked"])
            .Add("wall time", Math.Round(outcome.Wall.TotalMilliseconds), "ms")
            .AddLatencies("", outcome.Latencies);
    }

    private sealed record Outcome(IReadOnlyCollection<BookingResponse> Booked, int Conflicts, int Errors, TimeSpan Wall, Latencies Latencies);

    private static async Task<Outcome> RunAsync(int users, Func<int, BookingRequest> body, Target target, string eventId, CancellationToken cancellationToken)
    {
        var booked = new ConcurrentBag<BookingResponse>();
        var latencies = new Latencies();
        int conflicts = 0, errors = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buyers = Enumerable.Range(0, users).Select(index => Task.Run(async () =>
        {
            var client = target.Client;
            var request = body(index);
            await go.Task;
            try
            {
                var answer = await latencies.Time(() => client.BookAsync(eventId, request, cancellationToken));
                if (answer.Status == HttpStatusCode.Created)
                    booked.Add(answer.Value);
                else
                    Interlocked.Increment(ref answer.Status == HttpStatusCode.Conflict ? ref conflicts : ref errors);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
        }, cancellationToken)).ToArray();

        var clock = Stopwatch.StartNew();
        go.SetResult();
        await Task.WhenAll(buyers);
        return new Outcome(booked, conflicts, errors, clock.Elapsed, latencies);
    }

    /// <summary>Told success, but the booking is not what the server now says: asked through each buyer's own manage token.</summary>
    internal static async Task<int> CountLostAsync(Target target, IEnumerable<BookingResponse> booked, CancellationToken cancellationToken)
    {
        var lost = 0;
        await Parallel.ForEachAsync(booked, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (booking, token) =>
        {
            var answer = await target.Client.GetBookingAsync(booking.Reference, booking.ManageToken, token);
            var view = answer.IsSuccess ? answer.Value : null;
            if (view is null || view.Status != "confirmed" || !view.Seats.Select(s => s.Seat).SequenceEqual(booking.Seats.Select(s => s.Seat)))
                Interlocked.Increment(ref lost);
        });
        return lost;
    }
}
