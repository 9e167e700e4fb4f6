using BoxOffice.Server.Storage;

namespace BoxOffice.UnitTests;

/// <summary>
/// A store with the same conditional-write rules as the real ones, in memory, so desk tests need no I/O.
/// Tests can hold commits at a gate to let commands pile up, and can make chosen batches fail.
/// </summary>
internal sealed class InMemoryBookingStore : IBookingStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EventRow> _events = [];
    private readonly Dictionary<(string EventId, string Seat), (string Status, string? Reference, string? Name, long Version)> _seats = [];
    private readonly HashSet<string> _bookings = [];

    private int _commitsStarted;
    private TaskCompletionSource _commitStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<CommitBatch> Commits { get; } = [];

    /// <summary>When set, each commit waits for it before applying.</summary>
    public TaskCompletionSource? CommitGate { get; set; }

    /// <summary>Batches this returns true for throw a conflict, as a lost conditional write would.</summary>
    public Func<CommitBatch, bool> Refuse { get; set; } = _ => false;

    /// <summary>
    /// Completes once at least <paramref name="count"/> commits have started, so a test holding them at the
    /// gate knows the desk is waiting on its commit before it queues more.
    /// </summary>
    public async Task WaitForCommitsStartedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            Task started;
            lock (_gate)
            {
                if (_commitsStarted >= count)
                    return;
                started = _commitStarted.Task;
            }
            await started.WaitAsync(timeout.Token);
        }
    }

    public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> CreateEventAsync(EventRow row, string actor, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(_events.TryAdd(row.Id, row));
    }

    public Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests create flights without a bound.");

    public Task<IReadOnlyList<ListedEvent>> ListEventsAsync(long nowMs, bool forStaff, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<ListedEvent>>([.. _events.Values.Where(e => !e.Tutorial).Select(e => new ListedEvent(e, e.AvailableCount, 0))]);
    }

    public Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_events.TryGetValue(eventId, out var row))
                return Task.FromResult<StoredEvent?>(null);
            var seats = _seats
                .Where(pair => pair.Key.EventId == eventId && pair.Value.Status != "available")
                .Select(pair => new StoredSeat(pair.Key.Seat, pair.Value.Status, pair.Value.Reference, pair.Value.Name))
                .ToArray();
            return Task.FromResult<StoredEvent?>(new StoredEvent(row, seats, []));
        }
    }

    public async Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        TaskCompletionSource started;
        lock (_gate)
        {
            _commitsStarted++;
            (started, _commitStarted) = (_commitStarted, new(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        started.SetResult();
        if (CommitGate is { } gate)
            await gate.Task;
        lock (_gate)
        {
            if (Refuse(batch) || _events[batch.EventId].Version != batch.FromVersion)
                throw new StoreConflictException("refused");
            var seats = new Dictionary<(string, string), (string, string?, string?, long)>(_seats);
            foreach (var write in batch.Writes)
            {
                switch (write)
                {
                    case ClaimSeat claim:
                        var key = (batch.EventId, claim.Seat);
                        if (seats.TryGetValue(key, out var current) && current.Item1 != "available")
                            throw new StoreConflictException($"{claim.Seat} is taken");
                        seats[key] = ("booked", claim.Reference, claim.Name, batch.ToVersion);
                        break;
                    case HoldSeat hold:
                        var held = (batch.EventId, hold.Seat);
                        if (seats.TryGetValue(held, out var before) && before.Item1 != "available")
                            throw new StoreConflictException($"{hold.Seat} is taken");
                        seats[held] = ("held", hold.OrderId, hold.Name, batch.ToVersion);
                        break;
                    case ConfirmSeat confirm:
                        var confirmed = (batch.EventId, confirm.Seat);
                        seats[confirmed] = ("booked", confirm.OrderId, seats[confirmed].Item3, batch.ToVersion);
                        break;
                    case ReleaseSeat release:
                        seats[(batch.EventId, release.Seat)] = ("available", null, null, batch.ToVersion);
                        break;
                    case InsertBooking insert when !_bookings.Add(insert.Reference):
                        throw new StoreConflictException("duplicate reference");
                }
            }
            foreach (var (key, value) in seats)
                _seats[key] = value;
            _events[batch.EventId] = _events[batch.EventId] with { Version = batch.ToVersion };
            Commits.Add(batch);
        }
    }

    public Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests do not read bookings.");

    public Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests do not audit.");

    public Task<IReadOnlyList<LogEntry>> ReadLogAsync(string eventId, LogPosition? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests read the commits, not a log.");

    public Task<StoredOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests keep orders on the desk.");

    public Task<StoredOrder?> FindOrderByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests keep orders on the desk.");

    public Task<StoredOrder?> FindOrderByPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests keep orders on the desk.");

    public Task<IReadOnlyList<DueOrder>> DueOrdersAsync(long nowMs, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests have no recovery worker.");

    public Task<StoredAdmission?> AdmitAsync(AdmissionScan scan, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests admit nobody.");

    public Task<IReadOnlyList<string>> RevokedTicketsAsync(string eventId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests admit nobody.");

    public Task<IReadOnlyList<(string Gate, int Admitted)>> AdmissionsByGateAsync(string eventId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Desk tests admit nobody.");

    /// <summary>What <see cref="GetSecretAsync"/> answers; desk tests need no secrets.</summary>
    public Func<string, Task<byte[]>> ReadSecret { get; set; } = _ => throw new NotSupportedException("Desk tests need no secrets.");

    public Task<byte[]> GetSecretAsync(string name, Func<byte[]> generate, CancellationToken cancellationToken) => ReadSecret(name);
}
