using System.Diagnostics;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// Workers each send one request after another for a fixed time, after an unrecorded warm-up that lets
/// both processes finish JIT compilation and grow their pools. It is bounded twice: by the duration,
/// and by the caller's cancellation.
/// </summary>
public static class ClosedLoop
{
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    public static async Task<(int Succeeded, int Failed, double Seconds, Latencies Latencies)> RunAsync(
        int connections, TimeSpan duration, Func<int, CancellationToken, Task<bool>> request, CancellationToken cancellationToken)
    {
        await MeasureAsync(connections, WarmUp, request, cancellationToken);
        return await MeasureAsync(connections, duration, request, cancellationToken);
    }

    /// <summary>One measured stretch without a warm-up, for a scenario that measures in consecutive slices.</summary>
    public static async Task<(int Succeeded, int Failed, double Seconds, Latencies Latencies)> MeasureAsync(
        int connections, TimeSpan duration, Func<int, CancellationToken, Task<bool>> request, CancellationToken cancellationToken)
    {
        var latencies = new Latencies();
        int succeeded = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await request(worker, stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }
                latencies.Add(Stopwatch.GetElapsedTime(started));
                Interlocked.Increment(ref ok ? ref succeeded : ref failed);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        return (succeeded, failed, clock.Elapsed.TotalSeconds, latencies);
    }
}
