using System.Diagnostics;
using System.Net.WebSockets;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// A 100,000-seat stadium: how long a cold desk takes to activate (measured as the first live
/// snapshot), how big that snapshot is, and how much memory a desk keeps (measured in this process by
/// building the same layout and seat map, since the server's heap also holds everything else).
/// </summary>
public static class Stadium
{
    public static async Task<Report> RunAsync(Target target, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("stadium");
        var layout = new { template = "stadium", sections = 10, rows = 100, seatsPerRow = 100 };
        await target.CreateEventAsync(eventId, layout, cancellationToken);

        var (coldMs, bytes) = await SnapshotAsync(target.Urls[0], eventId, cancellationToken);
        var (warmMs, _) = await SnapshotAsync(target.Urls[0], eventId, cancellationToken);
        var (deskBytes, buildMs) = MeasureDesk();

        return new Report("stadium")
            .Add("seats", 100_000)
            .Add("first snapshot (cold desk)", Math.Round(coldMs, 1), "ms")
            .Add("snapshot (warm desk)", Math.Round(warmMs, 1), "ms")
            .Add("snapshot size", Math.Round(bytes / 1024.0, 1), "KB")
            .Add("desk memory", Math.Round(deskBytes / 1024.0 / 1024.0, 1), "MB")
            .Add("desk build, in process", Math.Round(buildMs, 1), "ms");
    }

    private static async Task<(double Milliseconds, long Bytes)> SnapshotAsync(Uri server, string eventId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{server.Authority}/api/events/{eventId}/live"), cancellationToken);
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            bytes += result.Count;
        }
        while (!result.EndOfMessage);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
        return (elapsed, bytes);
    }

    /// <summary>The retained size of what a desk holds for this event: its layout and its seat map.</summary>
    private static (long Bytes, double BuildMilliseconds) MeasureDesk()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var definition = new EventDefinition("stadium", "Stadium", Templates.Stadium(10, 100, 100), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");
        var map = new SeatMap(definition, 0, Array.Empty<StoredSeat>(), new ChangeFeed(0));
        var build = clock.Elapsed.TotalMilliseconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(map);
        return (after - before, build);
    }
}
