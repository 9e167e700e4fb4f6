using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using BoxOffice.Contracts;

namespace BoxOffice.Server.Storage;

/// <summary>
/// The store, written once for SQLite and PostgreSQL: every statement both accept, and the rules around them.
/// Each conditional write must affect exactly one row, or its batch rolls back and the caller gets
/// <see cref="StoreConflictException"/>. A dialect supplies connections and transactions, and the few
/// statements that really differ.
/// </summary>
/// <remarks>
/// Desks' batches go through one writer loop per process. It drains whatever is waiting (batches from many
/// desks), applies each inside its own savepoint so a failed one rolls back alone, and commits them all in one
/// transaction: one commit, so one fsync, serves many desks. A caller hears back only once that commit is durable.
/// </remarks>
public abstract partial class BookingStore : IBookingStore, IAsyncDisposable
{
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxWritesPerTransaction;
    private readonly Task _writerLoop;

    private protected BookingStore(int maxWritesPerTransaction)
    {
        _maxWritesPerTransaction = maxWritesPerTransaction;
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken);

    /// <summary>A connection of its own for reads, which run beside the writer.</summary>
    private protected abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>A write transaction: the writer loop's, one per group, and each write of the dialect's own.</summary>
    private protected abstract Task<WriteTransaction> BeginWriteAsync();

    /// <summary>Runs a write that is not a desk's batch, in the transaction the dialect chooses for it.</summary>
    private protected abstract Task<T> WriteAsync<T>(Func<WriteTransaction, Task<T>> work);

    /// <summary>Whether the database refused a write (a unique key, say) in a way that means the desk's view was stale.</summary>
    private protected abstract bool IsConflict(Exception error);

    /// <summary>Whether the write broke the unique index of orders' idempotency keys.</summary>
    private protected abstract bool IsIdempotencyKeyTaken(Exception error);

    /// <summary>The <c>booking_seats</c> column that orders a booking's seats as they were claimed.</summary>
    private protected abstract string ClaimOrder { get; }

    private protected virtual ValueTask DisposeWriterAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerLoop;
        await DisposeWriterAsync();
        GC.SuppressFinalize(this);
    }

    public Task<bool> CreateEventAsync(EventRow row, string actor, CancellationToken cancellationToken) =>
        WriteAsync(async transaction =>
        {
            if (await transaction.ExecuteAsync(new Statement(InsertEvent, [.. EventParameters(row), ("@tutorial", row.Tutorial)])) != 1)
                return false;
            await transaction.ExecuteAsync(EventLogWriter.Created(row, actor));
            return true;
        });

    public Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken) =>
        GroupCommitAsync(batch.EventId, async transaction =>
        {
            var writes = Plan(batch);
            var affected = await transaction.ExecuteAsync([.. writes.Select(write => write.Statement)]);
            for (var i = 0; i < writes.Count; i++)
            {
                if (affected[i] != 1 && !writes[i].Statement.AnyRows)
                {
                    var what = writes[i].Write?.ToString() ?? $"Moving on from version {batch.FromVersion}";
                    throw new StoreConflictException(
                        $"{what} did not find the row it expected in event {batch.EventId}.",
                        writes[i].Write is DeleteEventRows ? StoreRefusal.EventHasSales : StoreRefusal.None);
                }
            }
        });

    public async Task<byte[]> GetSecretAsync(string name, Func<byte[]> generate, CancellationToken cancellationToken)
    {
        // Every process may try to create it at once; the first insert wins and everyone reads that one.
        await WriteAsync(transaction => transaction.ExecuteAsync(new Statement(
            "INSERT INTO secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            ("@name", name), ("@value", generate()))));
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var select = Command(connection, null, "SELECT value FROM secrets WHERE name = @name", ("@name", name));
        return (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// <see cref="IBookingStore.CreateFlightAsync"/> inside a write transaction that must keep every other
    /// flight creator out until it commits (each dialect says how): the count and the insert race otherwise.
    /// </summary>
    /// <summary>Who the log says made a tutorial flight: whoever asked for it first, anonymously.</summary>
    public const string TutorialActor = "tutorial";

    private protected static async Task<FlightCreation> CreateFlightInAsync(WriteTransaction transaction, EventRow row, int maxFlights)
    {
        var flight = new Statement(InsertFlightBelowBound, [.. EventParameters(row), ("@max", maxFlights)]);
        if (await transaction.ExecuteAsync(flight) == 1)
            return await LoggedAsync(new FlightCreation(FlightOutcome.Created));
        if (await transaction.ScalarAsync(new Statement("SELECT id FROM events WHERE id = @id", ("@id", row.Id))) is not null)
            return new FlightCreation(FlightOutcome.IdTaken);
        if (await transaction.ScalarAsync(new Statement(OldestFlightWithoutLiveClaims)) is not string victim)
            return new FlightCreation(FlightOutcome.Full);

        // On PostgreSQL every batch that claims a seat first takes its event's row (the version compare-and-set).
        // Taking that row here waits for a batch in flight and keeps later ones out until this commits, so the
        // claims looked for next cannot change before the delete. Under SQLite's one writer nothing comes between anyway.
        var locked = await transaction.ExecuteAsync(new Statement("UPDATE events SET version = version WHERE id = @victim AND tutorial", ("@victim", victim)));
        var liveClaim = await transaction.ScalarAsync(new Statement(
            "SELECT seat FROM booking_seats WHERE event_id = @victim AND released_at_ms IS NULL LIMIT 1", ("@victim", victim)));
        if (locked != 1 || liveClaim is not null)
            return new FlightCreation(FlightOutcome.Full);
        await transaction.ExecuteAsync([.. DeleteFlight.Select(sql => new Statement(sql, ("@victim", victim)))]);
        var created = await transaction.ExecuteAsync(flight) == 1;
        return created ? await LoggedAsync(new FlightCreation(FlightOutcome.Created, victim)) : new FlightCreation(FlightOutcome.Full, victim);

        async Task<FlightCreation> LoggedAsync(FlightCreation creation)
        {
            await transaction.ExecuteAsync(EventLogWriter.Created(row, TutorialActor));
            return creation;
        }
    }

    /// <summary>
    /// Queues a write for the writer loop; completes once the group it joined is committed, or the write failed alone.
    /// <paramref name="eventId"/> is the event whose row the write takes first, if any: the loop takes event rows in order.
    /// </summary>
    private protected Task GroupCommitAsync(string? eventId, Func<WriteTransaction, Task> apply)
    {
        var pending = new PendingWrite(eventId, apply);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);
        return pending.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingWrite>(_maxWritesPerTransaction);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (group.Count < _maxWritesPerTransaction && _writes.Reader.TryRead(out var pending))
                group.Add(pending);
            // Every process takes the event rows of its group in the same order, so on PostgreSQL two processes'
            // groups never wait for each other in a cycle (a deadlock) when both have batches for the same events.
            await CommitTogetherAsync([.. group.OrderBy(write => write.EventId, StringComparer.Ordinal)]);
            group.Clear();
        }
    }

    private async Task CommitTogetherAsync(PendingWrite[] group)
    {
        try
        {
            await using var transaction = await BeginWriteAsync();
            foreach (var pending in group)
            {
                await transaction.SavepointAsync();
                try
                {
                    await pending.Apply(transaction);
                    await transaction.ReleaseSavepointAsync();
                }
                catch (Exception error)
                {
                    await transaction.RollbackToSavepointAsync();
                    pending.Error = error switch
                    {
                        StoreConflictException => error,
                        _ when IsIdempotencyKeyTaken(error) => new StoreConflictException("An order of another event has this idempotency key.", StoreRefusal.IdempotencyKeyTaken),
                        _ when IsConflict(error) => new StoreConflictException($"The database refused the write: {error.Message}"),
                        _ => error,
                    };
                }
            }
            await transaction.CommitAsync();
        }
        catch (Exception error)
        {
            // The transaction as a whole failed: nothing in it is durable.
            foreach (var pending in group)
                pending.Done.TrySetException(error);
            return;
        }
        foreach (var pending in group)
        {
            if (pending.Error is null)
                pending.Done.TrySetResult();
            else
                pending.Done.TrySetException(pending.Error);
        }
    }

    private sealed class PendingWrite(string? eventId, Func<WriteTransaction, Task> apply)
    {
        public string? EventId { get; } = eventId;

        public Func<WriteTransaction, Task> Apply { get; } = apply;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Error { get; set; }
    }

    /// <summary>
    /// The batch as statements that must each affect exactly one row, with the write each one is for (none for
    /// the version's). The version compare-and-set comes first: on PostgreSQL a batch racing another process's
    /// for the same event waits on the event's row, then finds the version moved.
    /// </summary>
    private static List<(Statement Statement, StoreWrite? Write)> Plan(CommitBatch batch)
    {
        var plan = new List<(Statement, StoreWrite?)>
        {
            (new Statement(AdvanceVersion, ("@event", batch.EventId), ("@from", batch.FromVersion), ("@to", batch.ToVersion), ("@delta", batch.AvailableDelta)), null),
        };
        var log = new EventLogWriter(batch);
        for (var i = 0; i < batch.Writes.Count; i++)
        {
            var write = batch.Writes[i];
            // The write describes itself only if a statement fails: a record's ToString for every write of
            // every commit showed up in the booking path's profile.
            foreach (var statement in Statements(batch, write))
                plan.Add((statement, write));
            if (log.EntryFor(write, i) is { } entry)
                plan.Add((entry, null));
        }
        return plan;
    }

    private static Statement[] Statements(CommitBatch batch, StoreWrite write) => write switch
    {
        InsertBooking insert => [NewBooking(batch, insert.Reference, insert.ManageTokenHash, insert.ClientKey)],
        ClaimSeat claim => Claim(batch, claim.Seat, "booked", claim.Reference, claim.Name),
        HoldSeat hold => Claim(batch, hold.Seat, "held", hold.OrderId, hold.Name),
        ReleaseSeat release => Release(batch, release.Seat, release.Reference),
        CancelBooking cancel => [new(CancelBookingRow, ("@reference", cancel.Reference), ("@now", batch.NowMs))],
        InsertOrder { Order: var order } =>
        [
            NewBooking(batch, order.OrderId, order.ManageTokenHash, order.ClientKey),
            new(InsertOrderRow,
                ("@order", order.OrderId), ("@event", batch.EventId), ("@key", order.IdempotencyKey), ("@hash", order.RequestHash),
                ("@email", order.Email), ("@payment", order.PaymentId), ("@amount", order.Amount), ("@currency", order.Currency),
                ("@expires", order.ExpiresAtMs), ("@tickets", order.TicketsTotal), ("@now", batch.NowMs)),
        ],
        ConfirmSeat confirm => [new(ConfirmSeatRow, ("@event", batch.EventId), ("@seat", confirm.Seat), ("@order", confirm.OrderId), ("@version", batch.ToVersion))],
        TransitionOrder transition =>
        [
            new(MoveOrder, ("@order", transition.OrderId), ("@from", OrderStates.Name(transition.From)), ("@to", OrderStates.Name(transition.To)),
                ("@refund", transition.RefundDue), ("@now", batch.NowMs)),
        ],
        RecordPayment payment => [new(InsertPayment, ("@payment", payment.PaymentId), ("@status", payment.Status), ("@now", batch.NowMs))],
        IssueTicket issue =>
        [
            new(CountTicket, ("@order", issue.OrderId), ("@number", issue.Number), ("@now", batch.NowMs)),
            new(InsertTicket, ("@code", issue.Ticket.Code), ("@ticket", issue.TicketId), ("@order", issue.OrderId), ("@seat", issue.Ticket.Seat),
                ("@name", issue.Ticket.Name), ("@now", batch.NowMs)),
        ],
        UpdateEventRow { LayoutChanged: false, Row: var row } => [new(UpdateEventFields, [("@event", batch.EventId), .. EventFieldParameters(row)])],
        UpdateEventRow { LayoutChanged: true, Row: var row } =>
        [
            new(UpdateEventFields, [("@event", batch.EventId), .. EventFieldParameters(row)]),
            new(UpdateEventLayout, ("@event", batch.EventId), ("@layout", row.LayoutJson), ("@seats", row.SeatCount), ("@available", row.AvailableCount)),
        ],
        KeepSeatsBack keep =>
        [
            new(InsertHoldRow, ("@reference", keep.Reference), ("@event", batch.EventId), ("@name", keep.HoldName), ("@now", batch.NowMs)) { AnyRows = true },
            .. keep.Seats.SelectMany(seat => Claim(batch, seat, keep.Blocked ? "blocked" : "held", keep.Reference, keep.HoldName)),
        ],
        ReleaseHeldBack release => [.. release.Seats.SelectMany(seat => Release(batch, seat, release.Reference))],
        DeleteEventRows =>
        [
            .. DeleteEvent.Select(sql => new Statement(sql, ("@event", batch.EventId)) { AnyRows = true }),
            new(DeleteUnsoldEvent, ("@event", batch.EventId)),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown store write."),
    };

    private static Statement NewBooking(CommitBatch batch, string reference, string manageTokenHash, string? clientKey) =>
        new(InsertBookingRow, ("@reference", reference), ("@event", batch.EventId), ("@token", manageTokenHash), ("@now", batch.NowMs), ("@client", clientKey));

    private static Statement[] Release(CommitBatch batch, string seat, string reference) =>
    [
        new(ReleaseSeatRow, ("@event", batch.EventId), ("@seat", seat), ("@reference", reference), ("@version", batch.ToVersion)),
        new(ReleaseClaim, ("@reference", reference), ("@seat", seat), ("@now", batch.NowMs)),
    ];

    /// <summary>Books or holds a seat, only if it is available, and records the live claim the unique index guards.</summary>
    private static Statement[] Claim(CommitBatch batch, string seat, string status, string reference, string name) =>
    [
        new(ClaimSeatRow, ("@event", batch.EventId), ("@seat", seat), ("@status", status), ("@reference", reference), ("@version", batch.ToVersion)),
        new(InsertClaim, ("@reference", reference), ("@event", batch.EventId), ("@seat", seat), ("@name", name)),
    ];

    private static (string, object?)[] EventParameters(EventRow row) =>
    [
        ("@id", row.Id), ("@title", row.Title), ("@layout", row.LayoutJson),
        ("@prices", JsonSerializer.Serialize(row.Prices, StorageJson.Default.IReadOnlyDictionaryStringInt64)),
        ("@currency", row.Currency), ("@seats", row.SeatCount), ("@available", row.AvailableCount), ("@created", row.CreatedAtMs),
        .. LifecycleParameters(row),
    ];

    private static (string, object?)[] LifecycleParameters(EventRow row) =>
    [
        ("@details", JsonSerializer.Serialize(row.Details, StorageJson.Default.EventDetails)),
        ("@status", EventStatuses.Name(row.Sales.Status)),
        ("@listed", row.Sales.Listed),
        ("@starts", row.Details.StartsAt?.ToUnixTimeMilliseconds()),
        ("@opens", row.Sales.OpenAt?.ToUnixTimeMilliseconds()),
        ("@closes", row.Sales.CloseAt?.ToUnixTimeMilliseconds()),
    ];

    private static (string, object?)[] EventFieldParameters(EventRow row) =>
    [
        ("@title", row.Title), ("@currency", row.Currency),
        ("@prices", JsonSerializer.Serialize(row.Prices, StorageJson.Default.IReadOnlyDictionaryStringInt64)),
        .. LifecycleParameters(row),
    ];

    private const string UpdateEventFields = """
        UPDATE events SET title = @title, currency = @currency, prices_json = @prices, details_json = @details, status = @status,
          listed = @listed, starts_at_ms = @starts, sales_open_at_ms = @opens, sales_close_at_ms = @closes
        WHERE id = @event
        """;

    private const string UpdateEventLayout = """
        UPDATE events SET layout_json = @layout, seat_count = @seats, available_count = @available WHERE id = @event
        """;

    /// <summary>What an unsold event may still have: staff holds and blocks, and its log. Children first.</summary>
    private static readonly string[] DeleteEvent =
    [
        "DELETE FROM booking_seats WHERE event_id = @event",
        "DELETE FROM seats WHERE event_id = @event",
        "DELETE FROM bookings WHERE event_id = @event AND hold_name IS NOT NULL",
        "DELETE FROM event_log WHERE event_id = @event",
    ];

    /// <summary>A booking or order, even cancelled or expired, is a sale on record: the event stays.</summary>
    private const string DeleteUnsoldEvent = """
        DELETE FROM events WHERE id = @event AND NOT EXISTS (SELECT 1 FROM bookings WHERE event_id = @event)
        """;

    private const string InsertEvent = """
        INSERT INTO events (id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial,
                            details_json, status, listed, starts_at_ms, sales_open_at_ms, sales_close_at_ms)
        VALUES (@id, @title, @layout, @prices, @currency, @seats, @available, 0, @created, @tutorial,
                @details, @status, @listed, @starts, @opens, @closes)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string AdvanceVersion = """
        UPDATE events SET version = @to, available_count = available_count + @delta
        WHERE id = @event AND version = @from
        """;

    /// <summary>A staff hold's booking record; its manage token is no token at all, so nobody can cancel it as a buyer.</summary>
    private const string InsertHoldRow = """
        INSERT INTO bookings (reference, event_id, manage_token_hash, created_at_ms, hold_name) VALUES (@reference, @event, '', @now, @name)
        ON CONFLICT (reference) DO NOTHING
        """;

    private const string InsertBookingRow = """
        INSERT INTO bookings (reference, event_id, manage_token_hash, created_at_ms, client_key) VALUES (@reference, @event, @token, @now, @client)
        """;

    /// <summary>A sparse row is inserted, or a released one reused; a seat that is not available is left as it is.</summary>
    private const string ClaimSeatRow = """
        INSERT INTO seats (event_id, seat, status, booking_ref, version) VALUES (@event, @seat, @status, @reference, @version)
        ON CONFLICT (event_id, seat) DO UPDATE
          SET status = excluded.status, booking_ref = excluded.booking_ref, version = excluded.version
          WHERE seats.status = 'available'
        """;

    private const string InsertClaim = """
        INSERT INTO booking_seats (reference, event_id, seat, name) VALUES (@reference, @event, @seat, @name)
        """;

    private const string ReleaseSeatRow = """
        UPDATE seats SET status = 'available', booking_ref = NULL, version = @version
        WHERE event_id = @event AND seat = @seat AND booking_ref = @reference AND status IN ('booked', 'held', 'blocked')
        """;

    private const string ReleaseClaim = """
        UPDATE booking_seats SET released_at_ms = @now
        WHERE reference = @reference AND seat = @seat AND released_at_ms IS NULL
        """;

    private const string CancelBookingRow = """
        UPDATE bookings SET cancelled_at_ms = @now WHERE reference = @reference AND cancelled_at_ms IS NULL
        """;

    private const string InsertOrderRow = """
        INSERT INTO orders (order_id, event_id, idempotency_key, request_hash, email, payment_id,
                            amount, currency, state, expires_at_ms, tickets_total, created_at_ms, updated_at_ms)
        VALUES (@order, @event, @key, @hash, @email, @payment, @amount, @currency, 'awaiting_payment', @expires, @tickets, @now, @now)
        """;

    private const string ConfirmSeatRow = """
        UPDATE seats SET status = 'booked', version = @version
        WHERE event_id = @event AND seat = @seat AND booking_ref = @order AND status = 'held'
        """;

    /// <summary>refund_due is a boolean in PostgreSQL and an integer in SQLite; OR gives each its own kind back.</summary>
    private const string MoveOrder = """
        UPDATE orders SET state = @to, refund_due = refund_due OR @refund, updated_at_ms = @now
        WHERE order_id = @order AND state = @from
        """;

    private const string InsertPayment = """
        INSERT INTO payment_events (payment_id, status, received_at_ms) VALUES (@payment, @status, @now)
        """;

    private const string CountTicket = """
        UPDATE orders SET tickets_issued = @number, updated_at_ms = @now
        WHERE order_id = @order AND state = 'paid' AND tickets_issued = @number - 1
        """;

    private const string InsertTicket = """
        INSERT INTO tickets (code, ticket_id, order_id, seat, name, issued_at_ms) VALUES (@code, @ticket, @order, @seat, @name, @now)
        """;

    /// <summary>
    /// Admission as one statement: the ticket must belong to a ticketed order of the event, and its key admits it
    /// once. Online scans never replace the admission (<c>@earliest</c> false): their times come from several
    /// processes' clocks, and a later-arriving scan stamped a millisecond earlier must not admit the ticket twice.
    /// </summary>
    private const string AdmitTicket = """
        INSERT INTO admissions (ticket_id, event_id, gate, admitted_at_ms, recorded_at_ms)
        SELECT t.ticket_id, o.event_id, @gate, @at, @now
        FROM tickets t JOIN orders o ON o.order_id = t.order_id
        WHERE t.ticket_id = @ticket AND o.event_id = @event AND o.state = 'ticketed'
        ON CONFLICT (ticket_id) DO UPDATE SET gate = excluded.gate, admitted_at_ms = excluded.admitted_at_ms, recorded_at_ms = excluded.recorded_at_ms
        WHERE @earliest AND admissions.admitted_at_ms > excluded.admitted_at_ms
        """;

    /// <summary>A tutorial flight, inserted only while fewer than <c>@max</c> exist; the id's conflict changes nothing.</summary>
    private const string InsertFlightBelowBound = """
        INSERT INTO events (id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial,
                            details_json, status, listed, starts_at_ms, sales_open_at_ms, sales_close_at_ms)
        SELECT @id, @title, @layout, @prices, @currency, @seats, @available, 0, @created, TRUE,
               @details, @status, @listed, @starts, @opens, @closes
        WHERE (SELECT COUNT(*) FROM events WHERE tutorial) < @max
        ON CONFLICT (id) DO NOTHING
        """;

    private const string OldestFlightWithoutLiveClaims = """
        SELECT e.id FROM events e
        WHERE e.tutorial AND NOT EXISTS (
          SELECT 1 FROM booking_seats b WHERE b.event_id = e.id AND b.released_at_ms IS NULL)
        ORDER BY e.created_at_ms, e.id
        LIMIT 1
        """;

    /// <summary>Children first: booking_seats, seats and bookings refer to the event.</summary>
    private static readonly string[] DeleteFlight =
    [
        "DELETE FROM booking_seats WHERE event_id = @victim",
        "DELETE FROM seats WHERE event_id = @victim",
        "DELETE FROM bookings WHERE event_id = @victim",
        "DELETE FROM event_log WHERE event_id = @victim",
        "DELETE FROM events WHERE id = @victim AND tutorial",
    ];

    public async Task<IReadOnlyList<ListedEvent>> ListEventsAsync(long nowMs, bool forStaff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, forStaff ? ListEventsForStaff : ListPublicEvents, ("@now", nowMs));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<ListedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ReadEvent(reader);
            // SUM is an integer in SQLite and a bigint in PostgreSQL; both convert.
            var held = Convert.ToInt32(reader.GetValue(EventColumnCount), CultureInfo.InvariantCulture);
            var lapsed = Convert.ToInt32(reader.GetValue(EventColumnCount + 1), CultureInfo.InvariantCulture);
            var takings = forStaff
                ? new EventTakings(Convert.ToInt32(reader.GetValue(EventColumnCount + 2), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(EventColumnCount + 3), CultureInfo.InvariantCulture),
                    Convert.ToInt32(reader.GetValue(EventColumnCount + 4), CultureInfo.InvariantCulture))
                : null;
            events.Add(new ListedEvent(row, row.AvailableCount + lapsed, held, takings));
        }
        return events;
    }

    public async Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        EventRow row;
        await using (var command = Command(connection, transaction, $"{SelectEvent} WHERE id = @id", ("@id", eventId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            row = ReadEvent(reader);
        }

        var seats = new List<StoredSeat>();
        await using (var command = Command(connection, transaction, $"""
            SELECT s.seat, s.status, s.booking_ref, {LiveClaimName}, {ClaimClient}
            FROM seats s
            WHERE s.event_id = @id AND s.status <> 'available'
            """, ("@id", eventId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                seats.Add(ReadSeat(reader, 0));
        }
        var orders = await ReadOrdersAsync(connection, transaction, "o.event_id = @key", eventId, cancellationToken);
        return new StoredEvent(row, seats, orders);
    }

    public async Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT b.event_id, b.manage_token_hash, b.created_at_ms, b.cancelled_at_ms, s.seat, s.name, s.released_at_ms
            FROM bookings b
            LEFT JOIN booking_seats s ON s.reference = b.reference
            WHERE b.reference = @reference
            ORDER BY s.{ClaimOrder}
            """, ("@reference", reference));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        StoredBooking? booking = null;
        var seats = new List<StoredBookingSeat>();
        while (await reader.ReadAsync(cancellationToken))
        {
            booking ??= new StoredBooking(
                reference,
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                seats);
            if (!reader.IsDBNull(4))
                seats.Add(new StoredBookingSeat(reader.GetString(4), reader.GetString(5), !reader.IsDBNull(6)));
        }
        return booking;
    }

    public Task<StoredOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        ReadOneOrderAsync("o.order_id = @key", orderId, cancellationToken);

    public Task<StoredOrder?> FindOrderByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        ReadOneOrderAsync("o.idempotency_key = @key", idempotencyKey, cancellationToken);

    public Task<StoredOrder?> FindOrderByPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        ReadOneOrderAsync("o.payment_id = @key", paymentId, cancellationToken);

    public async Task<IReadOnlyList<DueOrder>> DueOrdersAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT order_id, event_id, state FROM orders
            WHERE (state = 'awaiting_payment' AND expires_at_ms <= @now) OR state = 'paid'
            ORDER BY expires_at_ms
            LIMIT 1000
            """, ("@now", nowMs));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueOrder>();
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new DueOrder(reader.GetString(0), reader.GetString(1), OrderStates.Parse(reader.GetString(2))));
        return due;
    }

    public async Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        await using var command = Command(connection, transaction, "SELECT version, seat_count, available_count FROM events WHERE id = @event", ("@event", eventId));
        long version;
        int seatCount, availableCount;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            (version, seatCount, availableCount) = (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2));
        }

        var claimed = new Dictionary<string, int>(StringComparer.Ordinal);
        command.CommandText = "SELECT status, CAST(COUNT(*) AS INTEGER) FROM seats WHERE event_id = @event AND status <> 'available' GROUP BY status";
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                claimed[reader.GetString(0)] = reader.GetInt32(1);
        }

        command.CommandText = AuditAnomalies;
        var anomalies = new List<AuditAnomaly>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                anomalies.Add(new AuditAnomaly(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3)));
            }
        }
        return new StoredAudit(version, seatCount, availableCount, claimed, anomalies);
    }

    public async Task<StoredAdmission?> AdmitAsync(AdmissionScan scan, CancellationToken cancellationToken)
    {
        var recorded = await WriteAsync(transaction => transaction.ExecuteAsync(new Statement(AdmitTicket,
            ("@ticket", scan.TicketId), ("@event", scan.EventId), ("@gate", scan.Gate), ("@at", scan.ScannedAtMs), ("@now", scan.NowMs),
            ("@earliest", scan.EarliestWins)))) == 1;
        // Read after the commit: whatever scan holds the admission now, this one or the one that came first.
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT t.seat, t.name, o.state, a.gate, a.admitted_at_ms
            FROM tickets t
            JOIN orders o ON o.order_id = t.order_id
            LEFT JOIN admissions a ON a.ticket_id = t.ticket_id
            WHERE t.ticket_id = @ticket
            """, ("@ticket", scan.TicketId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new StoredAdmission(
            reader.GetString(0), reader.GetString(1), OrderStates.Parse(reader.GetString(2)),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            recorded);
    }

    public async Task<IReadOnlyList<string>> RevokedTicketsAsync(string eventId, CancellationToken cancellationToken)
    {
        // Bounded by the tickets the event ever issued; a scanner needs all of them to refuse any offline.
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT t.ticket_id FROM orders o JOIN tickets t ON t.order_id = o.order_id
            WHERE o.event_id = @event AND o.state <> 'ticketed' AND t.ticket_id IS NOT NULL
            ORDER BY t.ticket_id
            """, ("@event", eventId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var revoked = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
            revoked.Add(reader.GetString(0));
        return revoked;
    }

    public async Task<IReadOnlyList<(string Gate, int Admitted)>> AdmissionsByGateAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT gate, CAST(COUNT(*) AS INTEGER) FROM admissions WHERE event_id = @event GROUP BY gate ORDER BY gate", ("@event", eventId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var gates = new List<(string, int)>();
        while (await reader.ReadAsync(cancellationToken))
            gates.Add((reader.GetString(0), reader.GetInt32(1)));
        return gates;
    }

    /// <summary>
    /// A read transaction whose statements all see one snapshot. SQLite takes any level as at least what it
    /// asks for, and its one level (serializable) is that.
    /// </summary>
    private static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    private async Task<StoredOrder?> ReadOneOrderAsync(string condition, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        var orders = await ReadOrdersAsync(connection, transaction, condition, key, cancellationToken);
        return orders.Count == 0 ? null : orders[0];
    }

    /// <summary>
    /// Orders matching <paramref name="condition"/> (on alias <c>o</c>, parameter <c>@key</c>) with their seats,
    /// tickets and webhook outcomes: two statements, run inside the caller's transaction so they agree.
    /// </summary>
    private static async Task<IReadOnlyList<StoredOrder>> ReadOrdersAsync(
        DbConnection connection, DbTransaction transaction, string condition, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            SELECT o.order_id, o.event_id, o.idempotency_key, o.request_hash, o.payment_id, o.amount, o.currency, o.state,
                   o.refund_due, o.expires_at_ms, o.tickets_total, o.tickets_issued,
                   (SELECT k.client_key FROM bookings k WHERE k.reference = o.order_id)
            FROM orders o WHERE {condition}
            """, ("@key", key));
        var rows = new List<StoredOrder>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // refund_due is an integer in SQLite and a boolean in PostgreSQL; both convert.
                rows.Add(new StoredOrder(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.GetString(6), OrderStates.Parse(reader.GetString(7)),
                    Convert.ToBoolean(reader.GetValue(8), CultureInfo.InvariantCulture),
                    reader.GetInt64(9), reader.GetInt32(10), reader.GetInt32(11), [], [], [],
                    reader.IsDBNull(12) ? null : reader.GetString(12)));
            }
        }
        if (rows.Count == 0)
            return rows;

        var seats = rows.ToDictionary(o => o.OrderId, _ => new List<StoredBookingSeat>());
        var tickets = rows.ToDictionary(o => o.OrderId, _ => new List<StoredTicket>());
        var payments = rows.ToDictionary(o => o.PaymentId, _ => new List<string>());
        command.CommandText = $"""
            SELECT 's', b.reference, b.seat, b.name, CASE WHEN b.released_at_ms IS NULL THEN 'live' ELSE 'released' END
            FROM booking_seats b JOIN orders o ON o.order_id = b.reference WHERE {condition}
            UNION ALL
            SELECT 't', t.order_id, t.seat, t.name, t.code FROM tickets t JOIN orders o ON o.order_id = t.order_id WHERE {condition}
            UNION ALL
            SELECT 'p', p.payment_id, p.status, NULL, NULL FROM payment_events p JOIN orders o ON o.payment_id = p.payment_id WHERE {condition}
            """;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var owner = reader.GetString(1);
                switch (reader.GetString(0))
                {
                    case "s":
                        seats[owner].Add(new StoredBookingSeat(reader.GetString(2), reader.GetString(3), reader.GetString(4) == "released"));
                        break;
                    case "t":
                        tickets[owner].Add(new StoredTicket(reader.GetString(4), reader.GetString(2), reader.GetString(3)));
                        break;
                    default:
                        payments[owner].Add(reader.GetString(2));
                        break;
                }
            }
        }
        return rows.Select(o => o with { Seats = seats[o.OrderId], Tickets = tickets[o.OrderId], PaymentsReceived = payments[o.PaymentId] }).ToArray();
    }

    /// <summary>Every row of a query, each read by <paramref name="read"/>.</summary>
    private protected async Task<List<T>> ReadAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private const string EventColumns = """
        id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial,
        details_json, status, sales_open_at_ms, sales_close_at_ms, listed
        """;

    private const int EventColumnCount = 15;

    private const string SelectEvent = $"SELECT {EventColumns} FROM events";

    private static EventRow ReadEvent(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        JsonSerializer.Deserialize(reader.GetString(3), StorageJson.Default.IReadOnlyDictionaryStringInt64)!,
        reader.GetString(4),
        reader.GetInt32(5),
        reader.GetInt32(6),
        reader.GetInt64(7),
        reader.GetInt64(8),
        reader.GetBoolean(9))
    {
        Details = JsonSerializer.Deserialize(reader.GetString(10), StorageJson.Default.EventDetails)!,
        Sales = new EventSales(
            EventStatuses.Parse(reader.GetString(11)),
            reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
            reader.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
            reader.GetBoolean(14)),
    };

    /// <summary>A seat's row from <paramref name="first"/> on: seat, status, booking, the name on its live claim, and the client that made it.</summary>
    private static StoredSeat ReadSeat(DbDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4));

    /// <summary>
    /// The name on a seat's live claim. A correlated subquery is always a lookup in the one-live-claim index;
    /// a join, planned on the stale statistics of a busy new event, can turn into a scan of every claim per seat.
    /// </summary>
    private const string LiveClaimName = """
        (SELECT b.name FROM booking_seats b
         WHERE b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL)
        """;

    /// <summary>Who made the booking or order a seat's claim belongs to: a primary-key lookup.</summary>
    private const string ClaimClient = "(SELECT k.client_key FROM bookings k WHERE k.reference = s.booking_ref)";

    /// <summary>
    /// The event list: <c>available_count</c> left out every held seat when it was held, so the seats of
    /// unpaid orders past their deadline are added back, swept or not.
    /// </summary>
    private const string ListEventColumns = $"""
        {EventColumns},
          (SELECT COALESCE(SUM(o.tickets_total), 0) FROM orders o
           WHERE o.event_id = events.id AND o.state = 'awaiting_payment' AND o.expires_at_ms > @now),
          (SELECT COALESCE(SUM(o.tickets_total), 0) FROM orders o
           WHERE o.event_id = events.id AND o.state = 'awaiting_payment' AND o.expires_at_ms <= @now)
        """;

    private const string ListPublicEvents = $"""
        SELECT {ListEventColumns}
        FROM events
        WHERE listed AND status = 'on_sale' AND NOT tutorial AND (starts_at_ms IS NULL OR starts_at_ms > @now)
        ORDER BY CASE WHEN starts_at_ms IS NULL THEN 1 ELSE 0 END, starts_at_ms, created_at_ms DESC, id
        LIMIT 1000
        """;

    /// <summary>The console's list adds what each event has sold: seats booked, and the amounts of paid and ticketed orders.</summary>
    private const string ListEventsForStaff = $"""
        SELECT {ListEventColumns},
          (SELECT COUNT(*) FROM seats s WHERE s.event_id = events.id AND s.status = 'booked'),
          (SELECT COALESCE(SUM(o.amount), 0) FROM orders o WHERE o.event_id = events.id AND o.state IN ('paid', 'ticketed')),
          (SELECT COUNT(*) FROM seats s WHERE s.event_id = events.id AND s.status = 'held' AND s.booking_ref LIKE 'hold:%')
        FROM events
        WHERE NOT tutorial
        ORDER BY created_at_ms DESC, id
        LIMIT 1000
        """;

    /// <summary>Each arm finds one kind of broken invariant; on a healthy event the result is empty.</summary>
    private const string AuditAnomalies = """
        SELECT 'double_claim', seat, NULL, COUNT(*) || ' live claims'
        FROM booking_seats WHERE event_id = @event AND released_at_ms IS NULL
        GROUP BY seat HAVING COUNT(*) > 1
        UNION ALL
        SELECT 'booking_without_seat', b.seat, b.reference, 'the seat row is ' || COALESCE(s.status || ' by ' || COALESCE(s.booking_ref, 'nobody'), 'missing')
        FROM booking_seats b
        LEFT JOIN seats s ON s.event_id = b.event_id AND s.seat = b.seat
        WHERE b.event_id = @event AND b.released_at_ms IS NULL
          AND (s.status IS NULL OR s.status NOT IN ('booked', 'held', 'blocked') OR s.booking_ref IS DISTINCT FROM b.reference)
        UNION ALL
        SELECT 'seat_without_booking', s.seat, s.booking_ref, 'booked, but no live claim by that booking'
        FROM seats s
        WHERE s.event_id = @event AND s.status = 'booked' AND NOT EXISTS (
          SELECT 1 FROM booking_seats b
          WHERE b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL)
        """;
}
