using System.Collections.Concurrent;
using System.Threading.Channels;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Desk;

public enum EnqueueResult
{
    Accepted,
    Retired,
    Overloaded,
    /// <summary>A tutorial flight asked by another route, or another event asked by the tutorial's: as if the event did not exist.</summary>
    NotThisKind,
}

/// <summary>
/// The single writer of one event, like a Durable Object; its <c>EventDesk</c> grain makes it the only one in
/// the cluster. It drains its inbox in batches, validates each command in order against the seat map,
/// commits the batch in one transaction (group commit), and only then answers the callers and publishes the change.
/// </summary>
public sealed partial class BookingDesk
{
    public const int MaxBatch = 256;
    public const int MaxQueue = 10_000;
    private const int AttemptsAlone = 3;
    /// <summary>How often a batch, or a command retried alone, may lose its commit to another writer before the desk gives up on it.</summary>
    private const int MaxLostRaces = 32;

    private readonly Channel<DeskWork> _inbox = Channel.CreateUnbounded<DeskWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBookingStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BoxOfficeMetrics? _metrics;
    private SeatMap _map;
    private bool _stale;
    private int _queued;
    private long _lastActiveTimestamp;
    // Encoded reads per kind, each valid while no batch has committed since; read and written from any thread.
    private readonly ConcurrentDictionary<Type, VersionedBytes> _reads = new();

    public BookingDesk(SeatMap map, IBookingStore store, TimeProvider time, ILogger logger, BoxOfficeMetrics? metrics = null)
    {
        _metrics = metrics;
        _map = map;
        _store = store;
        _time = time;
        _logger = logger;
        _lastActiveTimestamp = time.GetTimestamp();
        Completion = Task.Run(RunAsync);
    }

    /// <summary>Loads the event and starts its desk; null when the store has no such event.</summary>
    public static async Task<BookingDesk?> LoadAsync(string eventId, IBookingStore store, TimeProvider time, ILogger logger, BoxOfficeMetrics? metrics = null)
    {
        var stored = await store.LoadEventAsync(eventId, CancellationToken.None);
        if (stored is null)
            return null;
        var definition = EventCatalog.ToDefinition(stored.Event);
        var orders = stored.Orders.Select(order => order.ToDeskOrder(definition.Layout));
        var map = new SeatMap(definition, stored.Event.Version, stored.Seats, orders, new ChangeFeed(stored.Event.Version));
        return new BookingDesk(map, store, time, logger, metrics) { LayoutJson = stored.Event.LayoutJson };
    }

    /// <summary>What the event is now: an edit changes it, though never its id or kind.</summary>
    public EventDefinition Definition => Volatile.Read(ref _map).Event;

    /// <summary>The layout as stored, so a process that watches the event can draw it without loading the event itself.</summary>
    public string LayoutJson { get; private set; } = "";

    public ChangeFeed Feed => _map.Feed;

    /// <summary>The version the desk has committed or reloaded, read off its thread: a hint that may move on at once.</summary>
    public long Version => Volatile.Read(ref _map).Version;

    public Task Completion { get; }

    /// <summary>How long since the desk last handled a command, however it reached the desk.</summary>
    public TimeSpan IdleFor => _time.GetElapsedTime(Interlocked.Read(ref _lastActiveTimestamp));

    /// <summary>
    /// Decides the command and answers after its commit, as its grain answers a call; a read is answered from its
    /// encoding at the committed version when there is one. Null when the desk is retiring: the caller goes
    /// through the grain again, which reaches the next activation.
    /// </summary>
    public async Task<DeskAnswer<TResult>?> AskAsync<TResult>(DeskCommand<TResult> command) where TResult : class
    {
        var read = command as DeskRead;
        // A cached encoding is of committed state; a newer version means a batch committed since, so it is made again.
        if (read is not null && command.Tutorial == Definition.Tutorial
            && _reads.TryGetValue(read.GetType(), out var cached) && cached.Version == Version)
        {
            return new DeskAnswer<TResult>(DeskOutcome.Done, (TResult)(object)cached);
        }
        switch (TryEnqueue(command, out var reply))
        {
            case EnqueueResult.Accepted:
                TResult result;
                try
                {
                    result = await reply;
                }
                catch (DeskUnavailableException unavailable)
                {
                    return new DeskAnswer<TResult>(DeskOutcome.Unavailable, null, unavailable.Message);
                }
                if (read is not null)
                    _reads[read.GetType()] = (VersionedBytes)(object)result;
                return new DeskAnswer<TResult>(DeskOutcome.Done, result);
            case EnqueueResult.NotThisKind:
                return new DeskAnswer<TResult>(DeskOutcome.OtherKind, null);
            case EnqueueResult.Overloaded:
                return new DeskAnswer<TResult>(DeskOutcome.Busy, null, $"Event {Definition.Id} has too many requests waiting.");
            default:
                return null;
        }
    }

    /// <summary>Queues a command; <paramref name="reply"/> completes once its batch has committed.</summary>
    public EnqueueResult TryEnqueue<TResult>(DeskCommand<TResult> command, out Task<TResult> reply) where TResult : class
    {
        var work = new DeskWork<TResult>(command);
        reply = work.Reply;
        // Every request reaches the desk through here, so no route can forget the check; a desk's definition never changes.
        if (command.Tutorial != Definition.Tutorial)
            return EnqueueResult.NotThisKind;
        // The single-reader channel cannot count its items, so the desk keeps its own tally for load shedding.
        if (Interlocked.Increment(ref _queued) > MaxQueue)
        {
            Interlocked.Decrement(ref _queued);
            return EnqueueResult.Overloaded;
        }
        if (_inbox.Writer.TryWrite(work))
            return EnqueueResult.Accepted;
        Interlocked.Decrement(ref _queued);
        return EnqueueResult.Retired;
    }

    /// <summary>Stops taking commands; those already queued are still handled.</summary>
    public void Retire() => _inbox.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reads = new List<DeskWork>(MaxBatch);
        var writes = new List<DeskWork>(MaxBatch);
        while (await _inbox.Reader.WaitToReadAsync())
        {
            while (reads.Count + writes.Count < MaxBatch && _inbox.Reader.TryRead(out var work))
            {
                Interlocked.Decrement(ref _queued);
                (work.IsRead ? reads : writes).Add(work);
            }
            Interlocked.Exchange(ref _lastActiveTimestamp, _time.GetTimestamp());
            await HandleAsync(reads, writes);
            reads.Clear();
            writes.Clear();
        }
        Feed.Restart(_map.Version);
    }

    private async Task HandleAsync(List<DeskWork> reads, List<DeskWork> writes)
    {
        if (_stale && !await TryReloadAsync(reads.Concat(writes)))
            return;
        // One clock reading per batch: every decision in it agrees on which holds have lapsed.
        _map.NowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();

        // Reads see the committed map: they run before this batch's writes are staged.
        foreach (var read in reads)
        {
            try
            {
                read.Stage(_map, new BatchPlan());
                read.Acknowledge();
            }
            catch (Exception error)
            {
                read.Fail(error);
            }
        }
        if (writes.Count == 0)
            return;
        if (writes.Exists(write => write.CommitsAlone))
        {
            await RetryAloneAsync(writes);
            return;
        }

        for (var races = 0; ; races++)
        {
            var plan = new BatchPlan();
            try
            {
                foreach (var write in writes)
                    write.Stage(_map, plan);
                await CommitAsync(plan);
                break;
            }
            catch (Exception error)
            {
                // Losing to another writer's commit is no command's fault: the whole batch is decided again.
                if (await LostRaceAsync(error) && races < MaxLostRaces)
                    continue;
                LogBatchFailed(_logger, Definition.Id, writes.Count, error);
                await RetryAloneAsync(writes);
                return;
            }
        }
        foreach (var write in writes)
            write.Acknowledge();
        _metrics?.Commands.Add(writes.Count);
    }

    /// <summary>A failed batch is replayed one command at a time, so one bad command never fails its neighbours.</summary>
    private async Task RetryAloneAsync(List<DeskWork> writes)
    {
        foreach (var write in writes)
        {
            for (int refusals = 0, races = 0; ;)
            {
                if (_stale && !await TryReloadAsync([write]))
                    break;
                _map.NowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var plan = new BatchPlan();
                try
                {
                    write.Stage(_map, plan);
                }
                catch (Exception bug) when (bug is not StoreConflictException)
                {
                    // A command that throws while deciding is a bug, not a busy database: the caller gets the
                    // error itself (a 500), and the map, which it may have half-changed, is reloaded.
                    _stale = true;
                    write.Fail(bug);
                    break;
                }
                catch (StoreConflictException conflict)
                {
                    if (await LostRaceAsync(conflict) && ++races < MaxLostRaces)
                        continue;
                    write.Fail(new DeskUnavailableException($"Event {Definition.Id} could not decide the request.", conflict));
                    break;
                }
                try
                {
                    await CommitAsync(plan);
                    write.Acknowledge();
                    // The map cannot take such a change in place: the next command finds the event loaded afresh.
                    _stale |= write.CommitsAlone;
                    break;
                }
                catch (Exception error)
                {
                    if (await LostRaceAsync(error) && ++races < MaxLostRaces)
                        continue;
                    if (error is StoreConflictException { Refusal: not StoreRefusal.None } refused && write.TryRefuse(refused.Refusal))
                        break;
                    if (error is StoreConflictException && ++refusals < AttemptsAlone)
                        continue;
                    write.Fail(new DeskUnavailableException($"Event {Definition.Id} could not commit the request.", error));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// After a failed commit the staged map is wrong, so it is reloaded; for a conflict at once. True when
    /// another writer had moved the event on (a second activation, which the database refused to let both
    /// commit), so the commands lost a race rather than being refused.
    /// </summary>
    private async Task<bool> LostRaceAsync(Exception error)
    {
        var version = _map.Version;
        _stale = true;
        return error is StoreConflictException && await TryReloadAsync([]) && _map.Version > version;
    }

    private async Task CommitAsync(BatchPlan plan)
    {
        if (plan.IsEmpty)
            return;
        var from = _map.Version;
        var batch = new CommitBatch(Definition.Id, from, from + 1, plan.AvailableDelta, _map.NowMs, plan.Writes) { Actors = plan.Actors };
        await _store.CommitAsync(batch, CancellationToken.None);
        _map.Version = batch.ToVersion;
        Feed.Publish(new SeatDelta(from, batch.ToVersion, plan.Changes));
        _metrics?.Batches.Add(1);
        _metrics?.SeatChanges.Add(plan.Changes.Count);
    }

    /// <summary>
    /// Rebuilds the map from the store. Watchers re-sync from a fresh snapshot when the version moved:
    /// no delta explains a change another writer made.
    /// </summary>
    private async Task<bool> TryReloadAsync(IEnumerable<DeskWork> waiting)
    {
        try
        {
            var stored = await _store.LoadEventAsync(Definition.Id, CancellationToken.None)
                ?? throw new InvalidOperationException($"Event {Definition.Id} disappeared from the store.");
            var versionBefore = _map.Version;
            var definition = EventCatalog.ToDefinition(stored.Event);
            Volatile.Write(ref _map, new SeatMap(definition, stored.Event.Version, stored.Seats, stored.Orders.Select(o => o.ToDeskOrder(definition.Layout)), Feed));
            // A new layout is news no delta can carry: watchers draw the event afresh from a snapshot.
            if (_map.Version != versionBefore || stored.Event.LayoutJson != LayoutJson)
                Feed.Restart(_map.Version);
            LayoutJson = stored.Event.LayoutJson;
            _stale = false;
            return true;
        }
        catch (Exception error)
        {
            LogReloadFailed(_logger, Definition.Id, error);
            foreach (var work in waiting)
                work.Fail(new DeskUnavailableException($"Event {Definition.Id} is unavailable.", error));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} commands for event {EventId} failed; retrying each alone")]
    private static partial void LogBatchFailed(ILogger logger, string eventId, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading event {EventId} failed")]
    private static partial void LogReloadFailed(ILogger logger, string eventId, Exception error);
}

/// <summary>A command on its way through the desk, with the caller's reply.</summary>
internal abstract class DeskWork
{
    public abstract bool IsRead { get; }

    public abstract bool CommitsAlone { get; }

    public abstract void Stage(SeatMap map, BatchPlan plan);

    public abstract void Acknowledge();

    public abstract void Fail(Exception error);

    /// <summary>Answers a write the database refused for good, if the command has an answer for that; nothing was committed.</summary>
    public abstract bool TryRefuse(StoreRefusal refusal);
}

internal sealed class DeskWork<TResult>(DeskCommand<TResult> command) : DeskWork where TResult : class
{
    private readonly TaskCompletionSource<TResult> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _outcome;

    public Task<TResult> Reply => _reply.Task;

    public override bool IsRead => command.IsRead;

    public override bool CommitsAlone => command.CommitsAlone;

    public override void Stage(SeatMap map, BatchPlan plan)
    {
        plan.Actor = command.Actor;
        _outcome = command.Decide(map, plan);
    }

    public override void Acknowledge() =>
        _reply.TrySetResult(_outcome ?? throw new InvalidOperationException("A command was acknowledged before it was staged."));

    public override void Fail(Exception error) => _reply.TrySetException(error);

    public override bool TryRefuse(StoreRefusal refusal) => command.Refused(refusal) is { } answer && _reply.TrySetResult(answer);
}

/// <summary>The desk could not reach a durable answer (the database failed, or the event's desk is moving); the caller should try again.</summary>
public sealed class DeskUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
