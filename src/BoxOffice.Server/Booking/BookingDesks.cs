using System.Collections.Concurrent;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

/// <summary>
/// Every desk this process hosts. A desk is activated lazily, loading its event on first use, and
/// retired once idle, like a virtual actor, so memory stays bounded however many events exist.
/// </summary>
public sealed class BookingDesks(IBookingStore store, TimeProvider time, ILoggerFactory loggers, BoxOfficeMetrics? metrics = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BookingDesk?>>> _desks = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<BookingDesk>();

    public int ActiveCount => _desks.Count;

    /// <summary>
    /// Sends a command to the event's desk and waits for its committed answer; null when the event does not
    /// exist, or is a tutorial flight and the command is not from the tutorial's routes, or the other way round.
    /// </summary>
    public async Task<TResult?> SendAsync<TResult>(string eventId, DeskCommand<TResult> command, CancellationToken cancellationToken)
        where TResult : class
    {
        while (true)
        {
            var desk = await FindAsync(eventId, cancellationToken);
            // Every request reaches a desk through here, so no route can forget the check; a desk's definition never changes.
            if (desk is null || desk.Definition.Tutorial != command.Tutorial)
                return null;
            switch (desk.TryEnqueue(command))
            {
                case EnqueueResult.Accepted:
                    // Not cancellable: once queued, the command will be decided and committed anyway.
                    return await command.Reply;
                case EnqueueResult.Overloaded:
                    throw new DeskUnavailableException($"Event {eventId} has too many requests waiting.");
                case EnqueueResult.Retired:
                    // Retired desks are already forgotten, so the next lookup activates a fresh one.
                    continue;
            }
        }
    }

    public async Task<BookingDesk?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        var entry = _desks.GetOrAdd(eventId, id => new Lazy<Task<BookingDesk?>>(() => ActivateAsync(id)));
        BookingDesk? desk;
        try
        {
            desk = await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            _desks.TryRemove(KeyValuePair.Create(eventId, entry));
            throw;
        }
        if (desk is null)
            _desks.TryRemove(KeyValuePair.Create(eventId, entry));
        return desk;
    }

    /// <summary>The event's desk if this process hosts one, once it has loaded; never activates one.</summary>
    public async Task<BookingDesk?> FindActiveAsync(string eventId)
    {
        if (!_desks.TryGetValue(eventId, out var entry))
            return null;
        try
        {
            return await entry.Value;
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // The activation failed, so there is no desk; the next one loads the event afresh.
            return null;
        }
    }

    /// <summary>The events whose desks are active or loading in this process.</summary>
    public IReadOnlyCollection<string> ActiveEventIds => [.. _desks.Keys];

    /// <summary>Seats of the desks that have loaded: what their memory mostly grows with.</summary>
    public long LoadedSeatCount => _desks.Values
        .Sum(entry => entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is { } desk ? desk.Definition.Layout.Count : 0L);

    /// <summary>Retires desks idle for longer than <paramref name="idleAfter"/> with nobody watching; returns them.</summary>
    public IReadOnlyList<BookingDesk> RetireIdle(TimeSpan idleAfter)
    {
        var retired = new List<BookingDesk>();
        foreach (var (eventId, entry) in _desks)
        {
            if (!entry.IsValueCreated || !entry.Value.IsCompletedSuccessfully || entry.Value.Result is not { } desk)
                continue;
            if (desk.IdleFor < idleAfter || desk.Feed.ConnectionCount > 0)
                continue;
            // Forget first: callers that still hold the desk see it retired and come back for a new one.
            if (_desks.TryRemove(KeyValuePair.Create(eventId, entry)))
            {
                desk.Retire();
                metrics?.DesksActive.Add(-1);
                retired.Add(desk);
            }
        }
        return retired;
    }

    /// <summary>Forgets the event's desk, if this process hosts one, and retires it: for an event deleted from the store.</summary>
    public void Retire(string eventId)
    {
        if (!_desks.TryRemove(eventId, out var entry) || !entry.IsValueCreated)
            return;
        // A desk still loading is retired once it has loaded, so that it does not outlive its entry.
        _ = entry.Value.ContinueWith(loaded =>
        {
            if (loaded.IsCompletedSuccessfully && loaded.Result is { } desk)
            {
                desk.Retire();
                metrics?.DesksActive.Add(-1);
            }
        }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        var desks = _desks.Values.Where(e => e.IsValueCreated && e.Value.IsCompletedSuccessfully && e.Value.Result is not null)
            .Select(e => e.Value.Result!)
            .ToArray();
        _desks.Clear();
        foreach (var desk in desks)
            desk.Retire();
        await Task.WhenAll(desks.Select(d => d.Completion));
    }

    private async Task<BookingDesk?> ActivateAsync(string eventId)
    {
        var stored = await store.LoadEventAsync(eventId, CancellationToken.None);
        if (stored is null)
            return null;
        var definition = EventCatalog.ToDefinition(stored.Event);
        var orders = stored.Orders.Select(order => order.ToDeskOrder(definition.Layout));
        var map = new SeatMap(definition, stored.Event.Version, stored.Seats, orders, new ChangeFeed(stored.Event.Version));
        metrics?.DesksActive.Add(1);
        return new BookingDesk(map, store, time, _logger, metrics);
    }
}
