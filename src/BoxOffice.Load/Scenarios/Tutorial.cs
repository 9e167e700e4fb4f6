using System.Net;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// The tutorial's routes as its page uses them: flights made on first use, one seat per booking, then the
/// full seat list read over and over. What an activation costs shows in the first number, what a cached read
/// costs in the second.
/// </summary>
public static class Tutorial
{
    private const int SeatsPerFlight = 60;

    public static async Task<Report> RunAsync(Target target, int connections, TimeSpan duration, int flights, CancellationToken cancellationToken)
    {
        var prefix = Target.NewEventId("t")[..12];
        var next = -1;
        var (booked, failed, seconds, latencies) = await ClosedLoop.RunAsync(connections, duration, async (_, token) =>
        {
            // Seats in order, flight after flight: every flight is made by its first booking.
            var n = Interlocked.Increment(ref next);
            if (n >= flights * SeatsPerFlight)
                return false;
            var seat = n % SeatsPerFlight;
            var answer = await target.Client.BookFlightSeatAsync(
                $"{prefix}-{n / SeatsPerFlight}", new CompatBookRequest($"{seat / 6 + 1}{(char)('A' + seat % 6)}", $"P{n}"), token);
            return answer.Status == HttpStatusCode.OK;
        }, cancellationToken);
        var made = Math.Min(flights, (Volatile.Read(ref next) + SeatsPerFlight) / SeatsPerFlight);

        var read = Math.Min(16, made);
        var (reads, readFailed, readSeconds, readLatencies) = await ClosedLoop.RunAsync(connections, duration, async (worker, token) =>
            (await target.Client.GetFlightSeatsAsync($"{prefix}-{worker % read}", token)).IsSuccess, cancellationToken);
        return new Report("tutorial")
            .Add("bookings/s", Math.Round(booked / seconds))
            .Add("booking errors", failed)
            .Add("flights made", made)
            .AddLatencies("booking ", latencies)
            .Add("reads/s", Math.Round(reads / readSeconds))
            .Add("read errors", readFailed)
            .AddLatencies("read ", readLatencies);
    }
}
