using System.Text;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>Live feed reads for tests: each message must come within <see cref="Patience"/>, and deltas must run on without a gap.</summary>
public static class SocketMessages
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<LiveSnapshot> NextSnapshotAsync(this LiveFeed feed)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await feed.ReceiveSnapshotAsync(timeout.Token);
    }

    public static async Task<LiveDelta> NextDeltaAsync(this LiveFeed feed)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await feed.ReceiveDeltaAsync(timeout.Token);
    }

    public static async Task<CompatSeat[]> NextSeatListAsync(this LiveFeed feed)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await feed.ReceiveSeatListAsync(timeout.Token);
    }

    /// <summary>
    /// Reads live deltas until <paramref name="count"/> seats read booked, checking that each delta starts
    /// where the previous one ended (the snapshot, first). Returns every seat's latest status and the last
    /// version seen; <paramref name="inspect"/> sees each message as it came over the wire.
    /// </summary>
    public static async Task<(Dictionary<string, string> Statuses, long Version)> ReadUntilBookedAsync(
        this LiveFeed feed, int count, Action<string>? inspect = null)
    {
        var statuses = new Dictionary<string, string>();
        while (statuses.Values.Count(status => status == "booked") < count)
        {
            var version = feed.Version;
            var delta = await feed.NextDeltaAsync();
            inspect?.Invoke(Encoding.UTF8.GetString(feed.LastMessage.Span));
            Assert.Equal("delta", delta.Type);
            Assert.Equal(version, delta.FromVersion);
            Assert.True(delta.ToVersion > delta.FromVersion);
            foreach (var change in delta.Changes)
                statuses[change.Seat] = change.Status;
        }
        return (statuses, feed.Version);
    }

    /// <summary>The close the server sends next, with its status and reason; fails if a message comes first, or nothing within <see cref="Patience"/>.</summary>
    public static async Task<LiveFeedClosedException> NextCloseAsync(this LiveFeed feed)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Assert.ThrowsAsync<LiveFeedClosedException>(() => feed.ReceiveDeltaAsync(timeout.Token));
    }
}
