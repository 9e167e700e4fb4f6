using System.Threading.Channels;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

public enum EnqueueResult
{
    Accepted,
    Retired,
    Overloaded,
}

/// <summary>
/// The single writer of one event in this process, like a Durable Object. It drains its inbox in
/// batches, validates each command in order against the seat map, commits the batch in one
/// transaction (group commit), and only then answers the callers and publishes the change.
/// </summary>
public sealed partial class BookingDesk
{
    public const int MaxBatch = 256;
    public const int MaxQueue = 10_000;
    private const int AttemptsAlone = 3;
    /// <summary>How often a batch, or a command retried alone, may lose its commit to other processes' before the desk gives up on it.</summary>
    private const int MaxLostRaces = 32;

    private readonly Channel<DeskCommand> _inbox = Channel.CreateUnbounded<DeskCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBookingStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BoxOfficeMetrics? _metrics;
    // Seats a batch staged in memory but failed to commit: a catch-up puts them back as the store has them.
    private readonly HashSet<int> _unsure = [];
    private SeatMap _map;
    private bool _stale;
    private long _lastActiveTimestamp;
    private int _queued;

    public BookingDesk(SeatMap map, IBookingStore store, TimeProvider time, ILogger logger, BoxOfficeMetrics? metrics = null)
    {
        _metrics = metrics;
        Definition = map.Event;
        _map = map;
        _store = store;
        _time = time;
        _logger = logger;
        _lastActiveTimestamp = time.GetTimestamp();
        Completion = Task.Run(RunAsync);
    }

    public EventDefinition Definition { get; }

    public ChangeFeed Feed => _map.Feed;

    /// <summary>The version the desk has committed or caught up to, read off its thread: a hint that may move on at once.</summary>
    public long Version => _map.Version;

    public Task Completion { get; }

    public TimeSpan IdleFor => _time.GetElapsedTime(Interlocked.Read(ref _lastActiveTimestamp));

    public EnqueueResult TryEnqueue(DeskCommand command)
    {
        // The single-reader channel cannot count its items, so the desk keeps its own tally for load shedding.
        if (Interlocked.Increment(ref _queued) > MaxQueue)
        {
            Interlocked.Decrement(ref _queued);
            return EnqueueResult.Overloaded;
        }
        if (_inbox.Writer.TryWrite(command))
            return EnqueueResult.Accepted;
        Interlocked.Decrement(ref _queued);
        return EnqueueResult.Retired;
    }

    /// <summary>Stops taking commands; those already queued are still handled.</summary>
    public void Retire() => _inbox.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reads = new List<DeskCommand>(MaxBatch);
        var writes = new List<DeskCommand>(MaxBatch);
        while (await _inbox.Reader.WaitToReadAsync())
        {
            while (reads.Count + writes.Count < MaxBatch && _inbox.Reader.TryRead(out var command))
            {
                Interlocked.Decrement(ref _queued);
                (command.IsRead ? reads : writes).Add(command);
            }
            // Catch-ups come from other processes' traffic: only this process's own use keeps the desk from retiring.
            if (writes.Count > 0 || reads.Exists(read => read is not CatchUp))
                Interlocked.Exchange(ref _lastActiveTimestamp, _time.GetTimestamp());
            await HandleAsync(reads, writes);
            reads.Clear();
            writes.Clear();
        }
        Feed.Restart(_map.Version);
    }

    private async Task HandleAsync(List<DeskCommand> reads, List<DeskCommand> writes)
    {
        if (reads.Exists(read => read is CatchUp catchUp && catchUp.IsAheadOf(_map)))
            _stale = true;
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
                // Losing to another process's commit is no command's fault: the whole batch is decided again.
                if (await LostRaceAsync(plan, error) && races < MaxLostRaces)
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
    private async Task RetryAloneAsync(List<DeskCommand> writes)
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
                    await CommitAsync(plan);
                    write.Acknowledge();
                    break;
                }
                catch (Exception error)
                {
                    if (await LostRaceAsync(plan, error) && ++races < MaxLostRaces)
                        continue;
                    if (error is StoreConflictException && ++refusals < AttemptsAlone)
                        continue;
                    write.Fail(new DeskUnavailableException($"Event {Definition.Id} could not commit the request.", error));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// After a failed commit: forgets what the plan staged, and for a conflict catches up at once. True when
    /// another process had moved the event on, so the commands lost a race rather than being refused.
    /// </summary>
    private async Task<bool> LostRaceAsync(BatchPlan plan, Exception error)
    {
        var version = _map.Version;
        _stale = true;
        foreach (var change in plan.Changes)
            _unsure.Add(change.Seat);
        return error is StoreConflictException && await TryReloadAsync([]) && _map.Version > version;
    }

    private async Task CommitAsync(BatchPlan plan)
    {
        if (plan.IsEmpty)
            return;
        var from = _map.Version;
        var batch = new CommitBatch(Definition.Id, from, from + 1, plan.AvailableDelta, _map.NowMs, plan.Writes);
        await _store.CommitAsync(batch, CancellationToken.None);
        _map.Version = batch.ToVersion;
        Feed.Publish(new SeatDelta(from, batch.ToVersion, plan.Changes));
        _metrics?.Batches.Add(1);
        _metrics?.SeatChanges.Add(plan.Changes.Count);
    }

    private async Task<bool> TryReloadAsync(IEnumerable<DeskCommand> waiting)
    {
        try
        {
            // Deltas keep every live connection open; only a store behind the map, which no delta explains,
            // costs a full reload. Paid events always reload in full: a delta carries seats, not the orders
            // that hold them, and the desk decides webhooks and expiry from those orders.
            if (Definition.IsPaid || !await CatchUp.TryApplyAsync(_map, _store, _unsure))
            {
                var stored = await _store.LoadEventAsync(Definition.Id, CancellationToken.None)
                    ?? throw new InvalidOperationException($"Event {Definition.Id} disappeared from the store.");
                var versionBefore = _map.Version;
                _map = new SeatMap(Definition, stored.Event.Version, stored.Seats, stored.Orders.Select(o => o.ToDeskOrder(Definition.Layout)), Feed);
                _map.NowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (_map.Version != versionBefore)
                    Feed.Restart(_map.Version);
            }
            _unsure.Clear();
            _stale = false;
            return true;
        }
        catch (Exception error)
        {
            LogReloadFailed(_logger, Definition.Id, error);
            foreach (var command in waiting)
                command.Fail(new DeskUnavailableException($"Event {Definition.Id} is unavailable.", error));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} commands for event {EventId} failed; retrying each alone")]
    private static partial void LogBatchFailed(ILogger logger, string eventId, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading event {EventId} failed")]
    private static partial void LogReloadFailed(ILogger logger, string eventId, Exception error);
}

/// <summary>The desk could not reach a durable answer (the database failed); the caller should try again.</summary>
public sealed class DeskUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
