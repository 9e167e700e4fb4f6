using System.Runtime.InteropServices;
using BoxOffice.Server.Clients;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Live;

/// <summary>
/// The open live sockets, counted per client, per event and in total, so each cap admits exactly its
/// number of sockets however many upgrades arrive at once.
/// </summary>
public sealed class LiveSockets(IOptions<LiveSocketOptions> options, IOptions<LimitsOptions> limits, BoxOfficeMetrics? metrics = null)
{
    // One lock over the three counts: a socket is counted in all of them or in none, and an entry that
    // drops to zero is removed without racing the next increment, so idle clients cost no memory.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perEvent = new(StringComparer.Ordinal);
    private int _total;

    public LiveSocketOptions Options => options.Value;

    /// <summary>A place for one more socket from <paramref name="client"/> on <paramref name="eventId"/>, or the cap it is over.</summary>
    public LiveSocketSlot Take(string client, string eventId)
    {
        var caps = options.Value;
        // With limits off (benchmarks) one address plays thousands of clients, so it is not counted at all.
        var counted = limits.Value.Enabled ? client : null;
        lock (_gate)
        {
            if (_total >= caps.MaxTotal)
                return LiveSocketSlot.Refused(LiveCloses.ServerFull);
            if (_perEvent.GetValueOrDefault(eventId) >= caps.MaxPerEvent)
                return LiveSocketSlot.Refused(LiveCloses.EventFull);
            if (counted is not null && _perClient.GetValueOrDefault(counted) >= caps.MaxPerClient)
                return LiveSocketSlot.Refused(LiveCloses.ClientFull(caps.MaxPerClient));
            _total++;
            CollectionsMarshal.GetValueRefOrAddDefault(_perEvent, eventId, out _)++;
            if (counted is not null)
                CollectionsMarshal.GetValueRefOrAddDefault(_perClient, counted, out _)++;
        }
        metrics?.LiveSockets.Add(1);
        return new LiveSocketSlot(() => Give(counted, eventId), null);
    }

    private void Give(string? client, string eventId)
    {
        lock (_gate)
        {
            _total--;
            Decrement(_perEvent, eventId);
            if (client is not null)
                Decrement(_perClient, client);
        }
        metrics?.LiveSockets.Add(-1);
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(counts, key);
        if (--count == 0)
            counts.Remove(key);
    }
}

/// <summary>A place among the open live sockets, given back on dispose; or, with <see cref="Refusal"/> set, why there was none.</summary>
public sealed class LiveSocketSlot : IDisposable
{
    private Action? _give;

    internal LiveSocketSlot(Action? give, CloseReason? refusal)
    {
        _give = give;
        Refusal = refusal;
    }

    public CloseReason? Refusal { get; }

    internal static LiveSocketSlot Refused(CloseReason reason) => new(null, reason);

    public void Dispose() => Interlocked.Exchange(ref _give, null)?.Invoke();
}
