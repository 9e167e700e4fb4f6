using BoxOffice.Contracts;
using System.Text.Json;
using System.Threading.Channels;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Server.Storage;

/// <summary>
/// The embedded default store. WAL lets readers run beside the one writer connection;
/// <c>synchronous=FULL</c> makes every commit durable before the desk acknowledges it.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time, and each commit costs an fsync. So every write goes through one
/// queue: a single loop drains whatever is waiting (batches from many desks, new events), applies each
/// inside its own SAVEPOINT so a failed one rolls back alone, and commits them all with one fsync.
/// </remarks>
public sealed class SqliteBookingStore : IBookingStore, IAsyncDisposable
{
    private const int MaxWritesPerTransaction = 256;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteConnection? _writer;
    private Task? _writerLoop;

    public SqliteBookingStore(string connectionString, TimeProvider time)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        _connectionString = builder.ToString();
        _time = time;
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_writerLoop is not null)
            throw new InvalidOperationException("The store is already migrated and writing.");
        var writer = _writer = await OpenWriterAsync(cancellationToken);
        await Execute(writer, null, """
            CREATE TABLE IF NOT EXISTS schema_version (
              version       INTEGER PRIMARY KEY,
              applied_at_ms INTEGER NOT NULL
            )
            """, cancellationToken);
        await using var current = writer.CreateCommand();
        current.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var applied = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (version, sql) in Migrations.For("Sqlite").Where(m => m.Version > applied))
        {
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            await Execute(writer, transaction, sql, cancellationToken);
            await using var record = writer.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at_ms) VALUES (@version, @now)";
            record.Parameters.AddWithValue("@version", version);
            record.Parameters.AddWithValue("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        var commands = new WriterCommands(writer);
        _writerLoop = Task.Run(() => WriteLoopAsync(commands), CancellationToken.None);
    }

    public async Task<bool> CreateEventAsync(EventRow row, CancellationToken cancellationToken)
    {
        var prices = JsonSerializer.Serialize(row.Prices, StorageJson.Default.IReadOnlyDictionaryStringInt64);
        var created = false;
        await WriteAsync(async (commands, transaction) => created = await commands.InsertEvent.Run(
            transaction, CancellationToken.None, row.Id, row.Title, row.LayoutJson, prices, row.Currency, row.SeatCount, row.AvailableCount, row.CreatedAtMs, row.Tutorial) == 1);
        return created;
    }

    public async Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken)
    {
        FlightCreation? creation = null;
        // The writer loop is this process's one writer, and its IMMEDIATE transactions keep other processes on the
        // file out, so no other write comes between the count and the insert.
        await WriteAsync(async (commands, transaction) =>
            creation = await StoreSql.CreateFlightAsync(commands.Connection, transaction, row, maxFlights, CancellationToken.None));
        return creation!;
    }

    public async Task<IReadOnlyList<ListedEvent>> ListEventsAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await StoreSql.ReadEventListAsync(connection, nowMs, cancellationToken);
    }

    public async Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        // One read transaction so the event version and its seats come from the same snapshot.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var eventCommand = connection.CreateCommand();
        eventCommand.Transaction = transaction;
        eventCommand.CommandText = $"{StoreSql.SelectEvent} WHERE id = @id";
        eventCommand.Parameters.AddWithValue("@id", eventId);
        EventRow row;
        await using (var reader = await eventCommand.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            row = StoreSql.ReadEvent(reader);
        }

        await using var seatCommand = connection.CreateCommand();
        seatCommand.Transaction = transaction;
        seatCommand.CommandText = """
            SELECT s.seat, s.status, s.booking_ref, b.name, k.client_key
            FROM seats s
            LEFT JOIN booking_seats b
              ON b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL
            LEFT JOIN bookings k ON k.reference = s.booking_ref
            WHERE s.event_id = @id AND s.status <> 'available'
            """;
        seatCommand.Parameters.AddWithValue("@id", eventId);
        var seats = new List<StoredSeat>();
        await using (var reader = await seatCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                seats.Add(StoreSql.ReadSeat(reader, 0));
            }
        }
        var orders = await StoreSql.ReadOrdersAsync(connection, transaction, "o.event_id = @key", eventId, cancellationToken);
        return new StoredEvent(row, seats, orders);
    }

    public async Task<StoredChanges?> LoadChangesAsync(string eventId, long sinceVersion, IReadOnlyCollection<string> seats, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One statement, so the version and the seats come from the same snapshot.
        command.CommandText = """
            SELECT e.version, s.seat, s.status, s.booking_ref, b.name, k.client_key
            FROM events e
            LEFT JOIN seats s
              ON s.event_id = e.id AND (s.version > @since OR s.seat IN (SELECT value FROM json_each(@seats)))
            LEFT JOIN booking_seats b
              ON b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL
            LEFT JOIN bookings k ON k.reference = s.booking_ref
            WHERE e.id = @event
            """;
        command.Parameters.AddWithValue("@event", eventId);
        command.Parameters.AddWithValue("@since", sinceVersion);
        command.Parameters.AddWithValue("@seats", JsonSerializer.Serialize(seats.ToArray(), StorageJson.Default.StringArray));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long? version = null;
        var changed = new List<StoredSeat>();
        while (await reader.ReadAsync(cancellationToken))
        {
            version = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
                changed.Add(StoreSql.ReadSeat(reader, 1));
        }
        return version is { } found ? new StoredChanges(found, changed) : null;
    }

    public Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken) =>
        WriteAsync(async (commands, transaction) =>
        {
            if (await commands.AdvanceVersion.Run(transaction, CancellationToken.None, batch.EventId, batch.FromVersion, batch.ToVersion, batch.AvailableDelta) != 1)
                throw new StoreConflictException($"Event {batch.EventId} is no longer at version {batch.FromVersion}.");
            foreach (var write in batch.Writes)
                await Apply(commands, transaction, batch, write, CancellationToken.None);
        });

    /// <summary>Queues a write for the writer loop and completes once it is durable, or failed alone.</summary>
    private async Task WriteAsync(Func<WriterCommands, SqliteTransaction, Task> apply)
    {
        var pending = new PendingWrite(apply);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);
        await pending.Done.Task;
    }

    private async Task WriteLoopAsync(WriterCommands commands)
    {
        var batch = new List<PendingWrite>(MaxWritesPerTransaction);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxWritesPerTransaction && _writes.Reader.TryRead(out var pending))
                batch.Add(pending);
            await CommitTogetherAsync(commands, batch);
            batch.Clear();
        }
    }

    private static async Task CommitTogetherAsync(WriterCommands commands, List<PendingWrite> batch)
    {
        try
        {
            // IMMEDIATE takes the write lock up front, so another process on the same file waits on
            // busy_timeout instead of failing the upgrade from a read lock halfway through.
            using var transaction = commands.Connection.BeginTransaction(deferred: false);
            foreach (var pending in batch)
            {
                transaction.Save("write");
                try
                {
                    await pending.Apply(commands, transaction);
                }
                catch (Exception error)
                {
                    transaction.Rollback("write");
                    pending.Error = error is SqliteException { SqliteErrorCode: SQLiteConstraint }
                        ? new StoreConflictException($"A unique key refused the write: {error.Message}")
                        : error;
                }
                transaction.Release("write");
            }
            transaction.Commit();
        }
        catch (Exception error)
        {
            // The transaction as a whole failed: nothing in it is durable.
            foreach (var pending in batch)
                pending.Done.TrySetException(error);
            return;
        }
        foreach (var pending in batch)
        {
            if (pending.Error is null)
                pending.Done.TrySetResult();
            else
                pending.Done.TrySetException(pending.Error);
        }
    }

    private static async Task Apply(WriterCommands commands, SqliteTransaction transaction, CommitBatch batch, StoreWrite write, CancellationToken cancellationToken)
    {
        switch (write)
        {
            case InsertBooking insert:
                Expect(write, batch, await commands.InsertBooking.Run(transaction, cancellationToken, insert.Reference, batch.EventId, insert.ManageTokenHash, batch.NowMs, (object?)insert.ClientKey ?? DBNull.Value));
                break;
            case ClaimSeat claim:
                Expect(write, batch, await commands.ClaimSeat.Run(transaction, cancellationToken, batch.EventId, claim.Seat, "booked", claim.Reference, batch.ToVersion));
                Expect(write, batch, await commands.InsertBookingSeat.Run(transaction, cancellationToken, claim.Reference, batch.EventId, claim.Seat, claim.Name));
                break;
            case ReleaseSeat release:
                Expect(write, batch, await commands.ReleaseSeat.Run(transaction, cancellationToken, batch.EventId, release.Seat, release.Reference, batch.ToVersion));
                Expect(write, batch, await commands.ReleaseBookingSeat.Run(transaction, cancellationToken, release.Reference, release.Seat, batch.NowMs));
                break;
            case CancelBooking cancel:
                Expect(write, batch, await commands.CancelBooking.Run(transaction, cancellationToken, cancel.Reference, batch.NowMs));
                break;
            case InsertOrder { Order: var order }:
                Expect(write, batch, await commands.InsertBooking.Run(transaction, cancellationToken, order.OrderId, batch.EventId, order.ManageTokenHash, batch.NowMs, (object?)order.ClientKey ?? DBNull.Value));
                Expect(write, batch, await commands.InsertOrder.Run(transaction, cancellationToken,
                    order.OrderId, batch.EventId, order.IdempotencyKey, order.RequestHash, order.Email, order.PaymentId,
                    order.Amount, order.Currency, order.ExpiresAtMs, order.TicketsTotal, batch.NowMs));
                break;
            case HoldSeat hold:
                Expect(write, batch, await commands.ClaimSeat.Run(transaction, cancellationToken, batch.EventId, hold.Seat, "held", hold.OrderId, batch.ToVersion));
                Expect(write, batch, await commands.InsertBookingSeat.Run(transaction, cancellationToken, hold.OrderId, batch.EventId, hold.Seat, hold.Name));
                break;
            case ConfirmSeat confirm:
                Expect(write, batch, await commands.ConfirmSeat.Run(transaction, cancellationToken, batch.EventId, confirm.Seat, confirm.OrderId, batch.ToVersion));
                break;
            case TransitionOrder transition:
                Expect(write, batch, await commands.TransitionOrder.Run(transaction, cancellationToken,
                    transition.OrderId, OrderStates.Name(transition.From), OrderStates.Name(transition.To), transition.RefundDue ? 1 : 0, batch.NowMs));
                break;
            case RecordPayment payment:
                Expect(write, batch, await commands.RecordPayment.Run(transaction, cancellationToken, payment.PaymentId, payment.Status, batch.NowMs));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown store write.");
        }
    }

    private static void Expect(StoreWrite write, CommitBatch batch, int affected)
    {
        if (affected != 1)
            throw new StoreConflictException($"{write} did not find the rows it expected in event {batch.EventId}.");
    }

    public async Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await StoreSql.ReadBookingAsync(connection, reference, "rowid", cancellationToken);
    }

    public async Task<StoredOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.order_id = @key", orderId, cancellationToken);

    public async Task<StoredOrder?> FindOrderByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.idempotency_key = @key", idempotencyKey, cancellationToken);

    public async Task<StoredOrder?> FindOrderByPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.payment_id = @key", paymentId, cancellationToken);

    public async Task<IReadOnlyList<DueOrder>> DueOrdersAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await StoreSql.ReadDueOrdersAsync(connection, nowMs, cancellationToken);
    }

    public async Task<bool> IssueTicketAsync(string orderId, StoredTicket ticket, int number, bool last, long nowMs, CancellationToken cancellationToken)
    {
        var issued = false;
        await WriteAsync(async (commands, transaction) =>
        {
            // The count is the compare-and-set: a second issuer of the same ticket finds it moved on.
            if (await commands.CountTicket.Run(transaction, CancellationToken.None, orderId, number, last ? 1 : 0, nowMs) != 1)
                return;
            await commands.IssueTicket.Run(transaction, CancellationToken.None, ticket.Code, orderId, ticket.Seat, ticket.Name, nowMs);
            issued = true;
        });
        return issued;
    }

    public async Task<byte[]> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        var candidate = RandomNumberGenerator.GetBytes(32);
        await WriteAsync(async (commands, transaction) =>
        {
            await using var insert = commands.Connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING";
            insert.Parameters.AddWithValue("@name", name);
            insert.Parameters.AddWithValue("@value", candidate);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        });
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT value FROM secrets WHERE name = @name";
        select.Parameters.AddWithValue("@name", name);
        return (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<StoredOrder?> ReadOneOrderAsync(string condition, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var orders = await StoreSql.ReadOrdersAsync(connection, transaction, condition, key, cancellationToken);
        return orders.Count == 0 ? null : orders[0];
    }

    public async Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("@event", eventId);
        command.CommandText = "SELECT version, seat_count, available_count FROM events WHERE id = @event";
        long version;
        int seatCount, availableCount;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            (version, seatCount, availableCount) = (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2));
        }

        var claimed = new Dictionary<string, int>(StringComparer.Ordinal);
        command.CommandText = "SELECT status, COUNT(*) FROM seats WHERE event_id = @event AND status <> 'available' GROUP BY status";
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                claimed[reader.GetString(0)] = reader.GetInt32(1);
        }

        command.CommandText = StoreSql.AuditAnomalies;
        IReadOnlyList<AuditAnomaly> anomalies;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            anomalies = await StoreSql.ReadAnomaliesAsync(reader, cancellationToken);
        return new StoredAudit(version, seatCount, availableCount, claimed, anomalies);
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writerLoop is not null)
            await _writerLoop;
        if (_writer is not null)
            await _writer.DisposeAsync();
    }

    private const int SQLiteConstraint = 19;


    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var writer = new SqliteConnection(_connectionString);
        await writer.OpenAsync(cancellationToken);
        // A checkpoint every 16,000 WAL pages (64 MB) instead of SQLite's 1,000: a page that many commits
        // change is copied to the database file once per checkpoint, not once per 4 MB of WAL.
        await Execute(writer, null, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 5000;
            PRAGMA foreign_keys = ON;
            PRAGMA wal_autocheckpoint = 16000;
            """, cancellationToken);
        return writer;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The batch statements, prepared once on the writer connection and reused for every commit.</summary>
    private sealed class WriterCommands(SqliteConnection connection)
    {
        public SqliteConnection Connection { get; } = connection;

        public PreparedWrite InsertEvent { get; } = new(connection, """
            INSERT INTO events (id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial)
            VALUES (@id, @title, @layout, @prices, @currency, @seats, @available, 0, @created, @tutorial)
            ON CONFLICT (id) DO NOTHING
            """, "@id", "@title", "@layout", "@prices", "@currency", "@seats", "@available", "@created", "@tutorial");

        public PreparedWrite AdvanceVersion { get; } = new(connection, """
            UPDATE events SET version = @to, available_count = available_count + @delta
            WHERE id = @event AND version = @from
            """, "@event", "@from", "@to", "@delta");

        public PreparedWrite InsertBooking { get; } = new(connection, """
            INSERT INTO bookings (reference, event_id, manage_token_hash, created_at_ms, client_key) VALUES (@reference, @event, @token, @now, @client)
            """, "@reference", "@event", "@token", "@now", "@client");

        /// <summary>Books or holds a seat, only if it is available: a sparse row is inserted, or a released one reused.</summary>
        public PreparedWrite ClaimSeat { get; } = new(connection, """
            INSERT INTO seats (event_id, seat, status, booking_ref, version) VALUES (@event, @seat, @status, @reference, @version)
            ON CONFLICT (event_id, seat) DO UPDATE
              SET status = excluded.status, booking_ref = excluded.booking_ref, version = excluded.version
              WHERE seats.status = 'available'
            """, "@event", "@seat", "@status", "@reference", "@version");

        public PreparedWrite InsertBookingSeat { get; } = new(connection, """
            INSERT INTO booking_seats (reference, event_id, seat, name) VALUES (@reference, @event, @seat, @name)
            """, "@reference", "@event", "@seat", "@name");

        public PreparedWrite ReleaseSeat { get; } = new(connection, """
            UPDATE seats SET status = 'available', booking_ref = NULL, version = @version
            WHERE event_id = @event AND seat = @seat AND booking_ref = @reference AND status IN ('booked', 'held')
            """, "@event", "@seat", "@reference", "@version");

        public PreparedWrite InsertOrder { get; } = new(connection, """
            INSERT INTO orders (order_id, event_id, idempotency_key, request_hash, email, payment_id,
                                amount, currency, state, expires_at_ms, tickets_total, created_at_ms, updated_at_ms)
            VALUES (@order, @event, @key, @hash, @email, @payment, @amount, @currency, 'awaiting_payment', @expires, @tickets, @now, @now)
            """, "@order", "@event", "@key", "@hash", "@email", "@payment", "@amount", "@currency", "@expires", "@tickets", "@now");

        public PreparedWrite ConfirmSeat { get; } = new(connection, """
            UPDATE seats SET status = 'booked', version = @version
            WHERE event_id = @event AND seat = @seat AND booking_ref = @order AND status = 'held'
            """, "@event", "@seat", "@order", "@version");

        public PreparedWrite TransitionOrder { get; } = new(connection, """
            UPDATE orders SET state = @to, refund_due = MAX(refund_due, @refund), updated_at_ms = @now
            WHERE order_id = @order AND state = @from
            """, "@order", "@from", "@to", "@refund", "@now");

        public PreparedWrite RecordPayment { get; } = new(connection, """
            INSERT INTO payment_events (payment_id, status, received_at_ms) VALUES (@payment, @status, @now)
            """, "@payment", "@status", "@now");

        public PreparedWrite IssueTicket { get; } = new(connection, """
            INSERT INTO tickets (code, order_id, seat, name, issued_at_ms) VALUES (@code, @order, @seat, @name, @now)
            """, "@code", "@order", "@seat", "@name", "@now");

        public PreparedWrite CountTicket { get; } = new(connection, """
            UPDATE orders SET tickets_issued = @number, state = CASE WHEN @last = 1 THEN 'ticketed' ELSE state END, updated_at_ms = @now
            WHERE order_id = @order AND state = 'paid' AND tickets_issued = @number - 1
            """, "@order", "@number", "@last", "@now");

        public PreparedWrite ReleaseBookingSeat { get; } = new(connection, """
            UPDATE booking_seats SET released_at_ms = @now
            WHERE reference = @reference AND seat = @seat AND released_at_ms IS NULL
            """, "@reference", "@seat", "@now");

        public PreparedWrite CancelBooking { get; } = new(connection, """
            UPDATE bookings SET cancelled_at_ms = @now WHERE reference = @reference AND cancelled_at_ms IS NULL
            """, "@reference", "@now");
    }

    private sealed class PendingWrite(Func<WriterCommands, SqliteTransaction, Task> apply)
    {
        public Func<WriterCommands, SqliteTransaction, Task> Apply { get; } = apply;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Error { get; set; }
    }

    /// <summary>A reusable command whose parameters are bound by position; it returns the affected-row count.</summary>
    private sealed class PreparedWrite
    {
        private readonly SqliteCommand _command;

        public PreparedWrite(SqliteConnection connection, string sql, params string[] parameters)
        {
            _command = connection.CreateCommand();
            _command.CommandText = sql;
            foreach (var name in parameters)
                _command.Parameters.Add(new SqliteParameter(name, null));
        }

        public Task<int> Run(SqliteTransaction transaction, CancellationToken cancellationToken, params object[] values)
        {
            _command.Transaction = transaction;
            for (var i = 0; i < values.Length; i++)
                _command.Parameters[i].Value = values[i];
            return _command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
