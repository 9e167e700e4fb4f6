using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using BoxOffice.Client;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// One WebSocket client of <c>/api/events/{id}/live</c>: it takes the snapshot, then records when each
/// seat first changed and whether each delta starts at the version the previous one ended at.
/// </summary>
public sealed class LiveWatcher : IDisposable
{
    private readonly LiveFeed _feed;

    private LiveWatcher(LiveFeed feed) => _feed = feed;

    public ConcurrentDictionary<string, long> Received { get; } = new();

    public int Messages { get; private set; }

    public int Gaps { get; private set; }

    public string? Failure { get; private set; }

    public static async Task<LiveWatcher> ConnectAsync(Uri server, string eventId, CancellationToken cancellationToken)
    {
        var watcher = new LiveWatcher(await LiveFeed.ConnectAsync(LiveFeed.EventAddress(server, eventId), cancellationToken));
        try
        {
            await watcher._feed.ReceiveSnapshotAsync(cancellationToken);
        }
        catch
        {
            watcher.Dispose();
            throw;
        }
        _ = watcher.ListenAsync(cancellationToken);
        return watcher;
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var version = _feed.Version;
                var delta = await _feed.ReceiveDeltaAsync(cancellationToken);
                var receivedAt = Stopwatch.GetTimestamp();
                Messages++;
                if (delta.FromVersion != version)
                    Gaps++;
                foreach (var change in delta.Changes)
                    Received.TryAdd(change.Seat, receivedAt);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
                Failure = error.Message;
        }
    }

    public void Dispose() => _feed.Dispose();
}
