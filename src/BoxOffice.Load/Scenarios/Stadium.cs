using System.Diagnostics;
using BoxOffice.Client;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// A 100,000-seat stadium: how long a cold desk takes to activate (measured as the first live snapshot),
/// how big that snapshot is, and how much memory the server keeps for it: its heap after a full collection
/// (<c>GET /api/admin/memory</c>, staff) with the desk active, against the same before the event existed.
/// Hence "desk memory" holds everything the server keeps for the event, as a desk it activates keeps it.
/// </summary>
public static class Stadium
{
    public static async Task<Report> RunAsync(Target target, CancellationToken cancellationToken)
    {
        var server = target.First;
        var before = (await server.GetMemoryAsync(cancellationToken)).EnsureSuccess().Value;
        var eventId = Target.NewEventId("stadium");
        await target.CreateEventAsync(eventId, Layouts.Stadium(10, 100, 100), cancellationToken);

        var (coldMs, bytes) = await SnapshotAsync(target.Urls[0], eventId, cancellationToken);
        var (warmMs, _) = await SnapshotAsync(target.Urls[0], eventId, cancellationToken);
        var after = (await server.GetMemoryAsync(cancellationToken)).EnsureSuccess().Value;

        return new Report("stadium")
            .Add("seats", 100_000)
            .Add("first snapshot (cold desk)", Math.Round(coldMs, 1), "ms")
            .Add("snapshot (warm desk)", Math.Round(warmMs, 1), "ms")
            .Add("snapshot size", Math.Round(bytes / 1024.0, 1), "KB")
            .Add("desk memory", Math.Round((after.HeapBytes - before.HeapBytes) / 1024.0 / 1024.0, 1), "MB")
            // What the cold snapshot took over the warm one: loading and building the desk, in the server's process.
            .Add("desk build, in process", Math.Round(coldMs - warmMs, 1), "ms");
    }

    private static async Task<(double Milliseconds, long Bytes)> SnapshotAsync(Uri server, string eventId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var feed = await LiveFeed.ConnectAsync(LiveFeed.EventAddress(server, eventId), cancellationToken);
        await feed.ReceiveSnapshotAsync(cancellationToken);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await feed.CloseAsync(cancellationToken);
        return (elapsed, feed.LastMessage.Length);
    }
}
