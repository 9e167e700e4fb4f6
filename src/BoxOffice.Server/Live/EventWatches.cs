using BoxOffice.Server.Desk;

namespace BoxOffice.Server.Live;

/// <summary>The events this process watches for its WebSockets: one watch per event, dropped when its last connection leaves.</summary>
internal sealed class EventWatches(EventDesks desks, IGrainFactory grains, TimeProvider time, ILogger<EventWatch> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (EventWatch Watch, Task<bool> Started)> _watches = new(StringComparer.Ordinal);

    /// <summary>The event's watch, started if need be; null when there is no such event of this kind. Pair with <see cref="LeaveAsync"/>.</summary>
    public async Task<EventWatch?> JoinAsync(string eventId, bool tutorial)
    {
        await desks.ReadyAsync();
        (EventWatch Watch, Task<bool> Started) entry;
        lock (_gate)
        {
            if (!_watches.TryGetValue(eventId, out entry) || entry.Watch.Tutorial != tutorial)
            {
                if (entry.Watch is not null)
                    return null;
                var watch = new EventWatch(eventId, tutorial, desks.Desk(eventId), grains, time, logger);
                entry = (watch, watch.StartAsync());
                _watches[eventId] = entry;
            }
            entry.Watch.Users++;
        }
        bool started;
        try
        {
            started = await entry.Started;
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            await LeaveAsync(entry.Watch);
            throw new DeskUnavailableException($"The desk of event {eventId} is moving; try again.", error);
        }
        if (started)
            return entry.Watch;
        await LeaveAsync(entry.Watch);
        return null;
    }

    public async Task LeaveAsync(EventWatch watch)
    {
        lock (_gate)
        {
            if (--watch.Users > 0)
                return;
            _watches.Remove(watch.EventId);
        }
        await watch.DisposeAsync();
    }
}
