using System.Collections.Concurrent;
using System.Diagnostics;

namespace BoxOffice.Load;

/// <summary>Collects durations from many threads and reports percentiles in milliseconds.</summary>
public sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public void Add(TimeSpan elapsed) => _milliseconds.Add(elapsed.TotalMilliseconds);

    public void AddMilliseconds(double milliseconds) => _milliseconds.Add(milliseconds);

    /// <summary>Times <paramref name="action"/> and records it, whatever its outcome.</summary>
    public async Task<T> Time<T>(Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await action();
        }
        finally
        {
            Add(Stopwatch.GetElapsedTime(started));
        }
    }

    public double Percentile(double percentile)
    {
        var sorted = _milliseconds.Order().ToArray();
        if (sorted.Length == 0)
            return 0;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public double Max => _milliseconds.IsEmpty ? 0 : _milliseconds.Max();
}
