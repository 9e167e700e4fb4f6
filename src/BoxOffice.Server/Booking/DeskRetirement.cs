using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Booking;

/// <summary>Retires desks idle for longer than <c>Desks:IdleSeconds</c>, so a process hosting 100,000 events keeps only the busy ones in memory.</summary>
/// <remarks>
/// Retiring a desk only makes it garbage. Desks that lived for minutes sit in generation 2, which the GC
/// collects only when allocations use up its budget; a server that goes quiet after a rush allocates
/// almost nothing, so it kept every retired desk's memory (the <c>events</c> load scenario: 338 MB after
/// 10,000 desks retired, 2 MB of them live). So after a large retirement the sweeper collects itself.
/// </remarks>
internal sealed partial class DeskRetirement(BookingDesks desks, IOptions<DeskOptions> options, TimeProvider time, ILogger<DeskRetirement> logger)
    : BackgroundService
{
    private static readonly TimeSpan LoopsEndWithin = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idleAfter = TimeSpan.FromSeconds(options.Value.IdleSeconds);
        using var timer = new PeriodicTimer(idleAfter / 4, time);
        long retiredSeatsSinceFullCollection = 0;
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var retired = RetireIdle(idleAfter);
                if (retired.Desks == 0)
                    continue;
                LogRetired(logger, retired.Desks, desks.ActiveCount);

                if (GC.CollectionCount(GC.MaxGeneration) != fullCollections)
                    retiredSeatsSinceFullCollection = 0;
                retiredSeatsSinceFullCollection += retired.Seats;
                // A full collection pauses in proportion to what is still live, so it is worth it once the
                // retired desks outweigh the loaded ones, seats standing in for memory (a 60-seat desk holds
                // about 19 KB, a 100,000-seat one 18 MB). Under steady churn that comes to about one collection
                // per idle period, and none while the GC collects generation 2 on its own.
                if (retiredSeatsSinceFullCollection < desks.LoadedSeatCount)
                    continue;
                // A desk whose loop is still finishing is reachable from the thread pool, and would outlive the collection.
                await retired.LoopsEnded.WaitAsync(LoopsEndWithin, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                CollectRetired(retired.Desks);
                fullCollections = GC.CollectionCount(GC.MaxGeneration);
                retiredSeatsSinceFullCollection = 0;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
    }

    /// <summary>
    /// Retires idle desks and keeps only their count, seats and loops: a reference to a desk kept across
    /// the collection would keep that desk alive (10,000 retired desks left 26 MB live that way).
    /// </summary>
    private (int Desks, long Seats, Task LoopsEnded) RetireIdle(TimeSpan idleAfter)
    {
        var retired = desks.RetireIdle(idleAfter);
        return (retired.Count, retired.Sum(desk => (long)desk.Definition.Layout.Count), Task.WhenAll(retired.Select(desk => desk.Completion)));
    }

    /// <summary>
    /// A compacting collection in aggressive mode, which also hands the freed memory back to the operating
    /// system; a plain collection frees the objects but keeps the memory committed for later allocations.
    /// </summary>
    private void CollectRetired(int retiredNow)
    {
        var pausedBefore = GC.GetTotalPauseDuration();
        var workingSetBefore = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var workingSetAfter = Environment.WorkingSet;
        LogCollected(logger, retiredNow, paused.TotalMilliseconds, workingSetBefore / 1024 / 1024, workingSetAfter / 1024 / 1024);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Retired} idle desks; {Active} remain")]
    private static partial void LogRetired(ILogger logger, int retired, int active);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected after retiring {Retired} desks: {PauseMs} ms paused, working set {BeforeMb} MB -> {AfterMb} MB")]
    private static partial void LogCollected(ILogger logger, int retired, double pauseMs, long beforeMb, long afterMb);
}
