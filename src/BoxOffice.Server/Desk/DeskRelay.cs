using System.Threading.Channels;

namespace BoxOffice.Server.Desk;

/// <summary>
/// Forwards an event's committed deltas to the watching processes, one subscription per process. Like a
/// WebSocket connection it is only nudged by the desk and then reads everything new at its own pace, so a burst
/// of batches leaves as one message per watcher. Watchers hold a lease they renew; a process that died stops
/// renewing and is forgotten.
/// </summary>
internal sealed partial class DeskRelay : IFeedSubscriber, IDisposable
{
    /// <summary>Watchers renew every <see cref="RenewEvery"/>; one that missed three renewals is dropped.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LeaseLength = RenewEvery * 3;

    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private readonly Dictionary<IDeskWatcher, DateTimeOffset> _watchers = [];
    private readonly ChangeFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _forwarded;

    public DeskRelay(ChangeFeed feed, long version, TimeProvider time, ILogger logger)
    {
        _time = time;
        _feed = feed;
        _forwarded = version;
        _logger = logger;
        feed.Add(this);
        _ = Task.Run(ForwardAsync);
    }

    public void Add(IDeskWatcher watcher)
    {
        lock (_gate)
            _watchers[watcher] = _time.GetUtcNow() + LeaseLength;
    }

    /// <summary>False when the watcher is unknown here (this is a new activation): it must watch afresh.</summary>
    public bool Renew(IDeskWatcher watcher)
    {
        lock (_gate)
        {
            if (!_watchers.ContainsKey(watcher))
                return false;
            _watchers[watcher] = _time.GetUtcNow() + LeaseLength;
            return true;
        }
    }

    public void Remove(IDeskWatcher watcher)
    {
        lock (_gate)
            _watchers.Remove(watcher);
    }

    public void Notify() => _nudges.Writer.TryWrite(true);

    /// <summary>The desk reloaded or is going away: watchers take a fresh snapshot, and the relay follows the feed from where it restarted.</summary>
    public void Disconnect()
    {
        lock (_gate)
            _forwarded = _feed.Version;
        RestartWatchers();
        if (!_nudges.Reader.Completion.IsCompleted)
            _feed.Add(this);
    }

    public void Dispose()
    {
        _feed.Remove(this);
        _nudges.Writer.TryComplete();
        RestartWatchers();
    }

    private async Task ForwardAsync()
    {
        var deltas = new List<SeatDelta>();
        while (await _nudges.Reader.WaitToReadAsync())
        {
            _nudges.Reader.TryRead(out _);
            deltas.Clear();
            bool complete;
            lock (_gate)
            {
                if (_watchers.Count == 0)
                {
                    // Nobody to tell: skip ahead. A watcher added later starts from its snapshot and fills any gap itself.
                    _forwarded = _feed.Version;
                    continue;
                }
                complete = _feed.TryReadSince(_forwarded, deltas);
                _forwarded = complete ? deltas.Count > 0 ? deltas[^1].ToVersion : _forwarded : _feed.Version;
            }
            if (!complete)
            {
                // The relay fell off the end of the retained log: what it missed can only be had from a snapshot.
                RestartWatchers();
                continue;
            }
            if (deltas.Count == 0)
                continue;
            var message = deltas.ToArray();
            foreach (var watcher in Current())
                Tell(() => watcher.OnDeltas(message));
        }
    }

    private void RestartWatchers()
    {
        var watchers = Current();
        lock (_gate)
            _watchers.Clear();
        foreach (var watcher in watchers)
            Tell(watcher.OnRestart);
    }

    /// <summary>One-way calls: nothing comes back but a failure to send, which only a lost watcher causes; its lease then runs out.</summary>
    private void Tell(Func<Task> call)
    {
        try
        {
            _ = call();
        }
        catch (Exception error)
        {
            LogForwardFailed(_logger, error);
        }
    }

    private IDeskWatcher[] Current()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (watcher, until) in _watchers.ToArray())
            {
                if (until < now)
                    _watchers.Remove(watcher);
            }
            return [.. _watchers.Keys];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding a delta to a watching process failed")]
    private static partial void LogForwardFailed(ILogger logger, Exception error);
}
