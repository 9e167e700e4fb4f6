using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

namespace BoxOffice.Server.Desk;

/// <summary>
/// The Orleans home of an event's <see cref="BookingDesk"/>: activated on first use anywhere in the cluster,
/// collected by Orleans after <c>Desks:IdleSeconds</c> without calls, and reactivated on a surviving process
/// when its process dies.
/// </summary>
/// <remarks>
/// Reentrant, with the desk's own loop as the single writer. Group commit needs many requests waiting while
/// a batch commits; a non-reentrant grain would take one call per turn and commit them one by one. The grain
/// only hands each call to the desk's inbox and awaits the reply, so interleaving calls never touch the seat
/// map: the loop alone does, in order, as it did before Orleans. Placed on the process that first asks for
/// it, so a single server never pays for a hop, and in a cluster the first buyer's process hosts the event.
/// </remarks>
[Reentrant]
[PreferLocalPlacement]
// The relay is disposed when the activation deactivates, which is an activation's end of life.
#pragma warning disable CA1001
internal sealed partial class EventDeskGrain(
    IBookingStore store, LocalDesks local, IOptions<DeskOptions> options, TimeProvider time, ILogger<EventDeskGrain> logger, BoxOfficeMetrics metrics)
    : Grain, IEventDesk
#pragma warning restore CA1001
{
    private BookingDesk? _desk;
    private Task<BookingDesk?>? _loading;
    private DeskRelay? _relay;

    public async Task<DeskAnswer<TResult>> Send<TResult>(DeskCommand<TResult> command) where TResult : class
    {
        if (await FindDeskAsync() is not { } desk)
        {
            // Forgotten at once, so that requests for made-up ids leave no activations behind; but a tutorial
            // route creates the flight right after, and its next call finds this activation and loads it.
            if (!command.Tutorial)
                DeactivateOnIdle();
            return new DeskAnswer<TResult>(DeskOutcome.NoSuchEvent, null);
        }
        return await desk.AskAsync(command)
            ?? new DeskAnswer<TResult>(DeskOutcome.Busy, null, $"Event {desk.Definition.Id} is moving to another desk.");
    }

    public async Task<EventFacts?> Describe()
    {
        if (await FindDeskAsync() is not { } desk)
        {
            DeactivateOnIdle();
            return null;
        }
        var definition = desk.Definition;
        return new EventFacts(definition.Title, definition.Tutorial, definition.Layout.Seats.Count(seat => seat.Flags.HasFlag(SeatFeatures.Blocked)));
    }

    public async Task<DeskSnapshot?> Watch(IDeskWatcher watcher, bool tutorial)
    {
        if (await FindDeskAsync() is not { } desk)
            return null;
        var snapshot = await Send(new TakeSnapshot(desk.LayoutJson) { Tutorial = tutorial });
        if (snapshot.Result is null)
            return null;
        _relay!.Add(watcher);
        return snapshot.Result;
    }

    public Task<long?> KeepWatching(IDeskWatcher watcher)
    {
        if (_desk is not { } desk || !_relay!.Renew(watcher))
            return Task.FromResult<long?>(null);
        return Task.FromResult<long?>(desk.Version);
    }

    public Task Unwatch(IDeskWatcher watcher)
    {
        _relay?.Remove(watcher);
        return Task.CompletedTask;
    }

    public Task<SeatDelta[]?> DeltasSince(long version)
    {
        var deltas = new List<SeatDelta>();
        return Task.FromResult(_desk is { } desk && desk.Feed.TryReadSince(version, deltas) ? deltas.ToArray() : null);
    }

    public Task Retire()
    {
        _desk?.Retire();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_desk is not { } desk)
            return;
        // Commands already queued are decided and committed before the activation goes, so no caller is left waiting;
        // callers in this process that still hold the desk find it retired and come through the grain again.
        local.Unregister(desk);
        desk.Retire();
        await desk.Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _relay?.Dispose();
        metrics.DesksActive.Add(-1);
        LogDeactivated(logger, desk.Definition.Id, reason.ReasonCode);
    }

    /// <summary>
    /// The desk, loaded on first use. An unknown event is looked up again on the next call rather than
    /// remembered, because a tutorial flight is created right after a request found it missing.
    /// </summary>
    private async Task<BookingDesk?> FindDeskAsync()
    {
        if (_desk is not null)
            return _desk;
        _loading ??= BookingDesk.LoadAsync(this.GetPrimaryKeyString(), store, time, logger, metrics);
        try
        {
            var desk = await _loading;
            if (desk is not null && _desk is null)
            {
                _desk = desk;
                _relay = new DeskRelay(desk.Feed, desk.Version, time, logger);
                local.Register(desk);
                KeepAliveWhileUsedLocally(desk);
                metrics.DesksActive.Add(1);
            }
            return _desk;
        }
        finally
        {
            if (_desk is null)
                _loading = null;
        }
    }

    /// <summary>
    /// Calls that reach the desk directly (<see cref="LocalDesks"/>) are not calls to the grain, which Orleans would
    /// otherwise collect as idle while its desk is busy; a timer that does not itself count as use keeps it.
    /// </summary>
    private void KeepAliveWhileUsedLocally(BookingDesk desk)
    {
        var idle = TimeSpan.FromSeconds(options.Value.IdleSeconds);
        var every = TimeSpan.FromSeconds(Math.Clamp(options.Value.IdleSeconds / 4.0, 1, 60));
        this.RegisterGrainTimer(() =>
        {
            if (desk.IdleFor < every)
                DelayDeactivation(idle);
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(every, every) { KeepAlive = false });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Desk of event {EventId} deactivated: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, string eventId, DeactivationReasonCode reason);
}

/// <summary>The committed seats, taken on the desk's thread so that no delta falls between the snapshot and the watch.</summary>
internal sealed record TakeSnapshot(string LayoutJson) : DeskCommand<DeskSnapshot>
{
    internal override bool IsRead => true;

    internal override DeskSnapshot Decide(SeatMap map, BatchPlan plan)
    {
        var statuses = new SeatStatus[map.Layout.Count];
        var occupants = Tutorial ? new string?[map.Layout.Count] : null;
        for (var seat = 0; seat < statuses.Length; seat++)
        {
            statuses[seat] = map.StatusOf(seat);
            if (occupants is not null)
                occupants[seat] = map.OccupantOf(seat);
        }
        return new DeskSnapshot(map.Version, LayoutJson, statuses, occupants);
    }
}
