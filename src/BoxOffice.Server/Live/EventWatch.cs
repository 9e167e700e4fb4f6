using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;

namespace BoxOffice.Server.Live;

/// <summary>
/// This process's copy of one event's seats, kept current by the event's desk wherever in the cluster it runs,
/// and shared by every WebSocket of this process on the event: one subscription per process per event. Deltas
/// apply only in version order; a gap is filled from the desk's retained deltas, or else from a fresh snapshot,
/// and then every local connection re-syncs.
/// </summary>
internal sealed partial class EventWatch : IDeskWatcher, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _resyncing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IEventDesk _desk;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDeskWatcher _reference;
    private Layout? _layout;
    private string? _layoutJson;
    private SeatStatus[] _statuses = [];
    private string?[]? _occupants;
    private long _version;
    private Task? _renewing;

    public EventWatch(string eventId, bool tutorial, IEventDesk desk, IGrainFactory grains, TimeProvider time, ILogger logger)
    {
        EventId = eventId;
        Tutorial = tutorial;
        _desk = desk;
        _grains = grains;
        _time = time;
        _logger = logger;
        // Orleans holds observers weakly; the registry of watches holds this one for as long as it is used.
        _reference = grains.CreateObjectReference<IDeskWatcher>(this);
    }

    public string EventId { get; }

    public bool Tutorial { get; }

    /// <summary>The committed changes, as this process's connections read them.</summary>
    public ChangeFeed Feed { get; } = new(0);

    /// <summary>How many connections use the watch; only the registry changes it, under its lock.</summary>
    public int Users { get; set; }

    /// <summary>Subscribes to the desk; false when there is no such event (of this kind).</summary>
    public async Task<bool> StartAsync()
    {
        if (await _desk.Watch(_reference, Tutorial) is not { } snapshot)
            return false;
        lock (_gate)
            Take(snapshot);
        _renewing = RenewAsync(_stopping.Token);
        return true;
    }

    /// <summary>
    /// Adds a connection and returns its encoder, made from the copy under the same lock that applies deltas,
    /// so no change falls between the snapshot the connection sends and the deltas it reads after it.
    /// </summary>
    public ILiveEncoder Subscribe(IFeedSubscriber connection, Func<WatchedSeats, ILiveEncoder> encoderFor)
    {
        lock (_gate)
        {
            Feed.Add(connection);
            return encoderFor(new WatchedSeats(_layout!, _version, _statuses, _occupants));
        }
    }

    public Task OnDeltas(SeatDelta[] deltas)
    {
        if (!TryApply(deltas))
            _ = CatchUpAsync();
        return Task.CompletedTask;
    }

    public Task OnRestart()
    {
        _ = ResyncAsync();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_renewing is not null)
            await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _desk.Unwatch(_reference);
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            // The desk forgets a watcher whose lease runs out anyway.
            LogWatchFailed(_logger, EventId, error);
        }
        _grains.DeleteObjectReference<IDeskWatcher>(_reference);
        Feed.Restart(_version);
        _stopping.Dispose();
    }

    /// <summary>Applies the deltas that follow the copy; false at a gap, which only the desk can fill.</summary>
    private bool TryApply(IEnumerable<SeatDelta> deltas)
    {
        lock (_gate)
        {
            foreach (var delta in deltas)
            {
                if (delta.ToVersion <= _version)
                    continue;
                if (delta.FromVersion != _version)
                    return false;
                foreach (var change in delta.Changes)
                {
                    _statuses[change.Seat] = change.Status;
                    if (_occupants is not null)
                        _occupants[change.Seat] = change.Occupant;
                }
                _version = delta.ToVersion;
                Feed.Publish(delta);
            }
            return true;
        }
    }

    private async Task CatchUpAsync()
    {
        try
        {
            long version;
            lock (_gate)
                version = _version;
            if (await _desk.DeltasSince(version) is { } missed && TryApply(missed))
                return;
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            LogWatchFailed(_logger, EventId, error);
        }
        await ResyncAsync();
    }

    /// <summary>Takes a fresh snapshot; every connection is closed and reconnects to start from it.</summary>
    private async Task ResyncAsync()
    {
        await _resyncing.WaitAsync();
        try
        {
            var snapshot = await _desk.Watch(_reference, Tutorial);
            lock (_gate)
            {
                if (snapshot is not null)
                    Take(snapshot);
                Feed.Restart(_version);
            }
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            // The desk is moving; the next renewal tries again, and meanwhile connections see no change.
            LogWatchFailed(_logger, EventId, error);
        }
        finally
        {
            _resyncing.Release();
        }
    }

    /// <summary>Renews the lease; a desk that does not know the watcher is a new activation, which needs a new watch.</summary>
    private async Task RenewAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(DeskRelay.RenewEvery, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    var version = await _desk.KeepWatching(_reference);
                    long mine;
                    lock (_gate)
                        mine = _version;
                    if (version is null)
                        await ResyncAsync();
                    else if (version > mine)
                        await CatchUpAsync();
                }
                catch (Exception error) when (error is TimeoutException or OrleansException)
                {
                    LogWatchFailed(_logger, EventId, error);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Take(DeskSnapshot snapshot)
    {
        if (_layoutJson != snapshot.LayoutJson)
        {
            _layout = EventCatalog.ParseLayout(EventId, snapshot.LayoutJson);
            _layoutJson = snapshot.LayoutJson;
        }
        _statuses = snapshot.Statuses;
        _occupants = snapshot.Occupants;
        _version = snapshot.Version;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching event {EventId} failed for now")]
    private static partial void LogWatchFailed(ILogger logger, string eventId, Exception error);
}

/// <summary>The committed seats an encoder starts from; it copies what it keeps.</summary>
public sealed record WatchedSeats(Layout Layout, long Version, IReadOnlyList<SeatStatus> Statuses, IReadOnlyList<string?>? Occupants);
