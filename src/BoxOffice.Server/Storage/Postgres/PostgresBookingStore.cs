using System.Data;
using System.Text.Json;
using Npgsql;

namespace BoxOffice.Server.Storage.Postgres;

/// <summary>
/// The store for several processes on one PostgreSQL. A desk's batch goes to the server as one
/// <see cref="NpgsqlBatch"/>: one round trip and one implicit transaction, in which every conditional
/// write checks its own row count and the commit tells the other processes with NOTIFY.
/// </summary>
/// <remarks>
/// Processes share nothing but the database, so two of them may host a desk for the same event. The
/// compare-and-set on <c>events.version</c> comes first in every batch: the loser waits on the event's
/// row lock, then finds the version moved, and its whole batch rolls back before it touched a seat.
/// </remarks>
public sealed class PostgresBookingStore(NpgsqlDataSource dataSource, TimeProvider time) : IBookingStore
{
    /// <summary>The LISTEN/NOTIFY channel every committed batch announces itself on, as <c>eventId:version</c>.</summary>
    public const string ChangeChannel = "boxoffice_events";

    /// <summary>Notified on <see cref="ChangeChannel"/> as <c>eventId:deleted</c> when an event is deleted, so other processes retire its desk.</summary>
    public const string Deleted = "deleted";

    /// <summary>What <c>expect_one_row</c> (migration 0001) raises when a conditional write missed.</summary>
    private const string ConflictState = "BX409";

    /// <summary>Any number works as long as every process takes the same one: "BoxOff" in ASCII.</summary>
    private const long MigrationLock = 0x426F_784F_6666;

    /// <summary>Taken by every process that creates a tutorial flight: "BoxFlt" in ASCII.</summary>
    private const long FlightLock = 0x426F_7846_6C74;

    /// <summary>Builds the one data source a process uses, from an Npgsql connection string.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Host))
            throw new InvalidOperationException("Storage:Provider=Postgres needs ConnectionStrings:BoxOffice to be an Npgsql connection string, such as \"Host=127.0.0.1;Username=postgres;Database=boxoffice\".");
        // Every batch is made of the same handful of statements; prepared once per connection, they skip parsing and planning.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
            builder.ConnectionStringBuilder.ApplicationName = "BoxOffice";
        return builder.Build();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Processes started together all migrate: the first takes the lock and applies everything, the
        // others wait for its commit and then find nothing left to do. DDL is transactional here.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", MigrationLock));
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (
              version       INTEGER PRIMARY KEY,
              applied_at_ms BIGINT  NOT NULL
            )
            """, cancellationToken);
        await using var current = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection);
        var applied = (int)(await current.ExecuteScalarAsync(cancellationToken))!;
        foreach (var (version, sql) in Migrations.For("Postgres").Where(m => m.Version > applied))
        {
            await ExecuteAsync(connection, sql, cancellationToken);
            await ExecuteAsync(connection, "INSERT INTO schema_version (version, applied_at_ms) VALUES (@version, @now)", cancellationToken,
                ("version", version), ("now", time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> CreateEventAsync(EventRow row, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await ExecuteAsync(connection, """
            INSERT INTO events (id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial)
            VALUES (@id, @title, @layout, @prices, @currency, @seats, @available, 0, @created, @tutorial)
            ON CONFLICT (id) DO NOTHING
            """, cancellationToken,
            ("id", row.Id), ("title", row.Title), ("layout", row.LayoutJson),
            ("prices", JsonSerializer.Serialize(row.Prices, StorageJson.Default.IReadOnlyDictionaryStringInt64)),
            ("currency", row.Currency), ("seats", row.SeatCount), ("available", row.AvailableCount), ("created", row.CreatedAtMs), ("tutorial", row.Tutorial));
        return inserted == 1;
    }

    public async Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Processes share nothing but the database, and under READ COMMITTED two creators could both count one
        // below the bound and both insert. Every creator takes this lock first and holds it to its commit, so
        // counts and inserts never interleave, across any number of processes; desks' batches never take it.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", FlightLock));
        var creation = await StoreSql.CreateFlightAsync(connection, transaction, row, maxFlights, cancellationToken);
        if (creation.Evicted is { } evicted)
        {
            await ExecuteAsync(connection, "SELECT pg_notify(@channel, @event || ':' || @deleted)", cancellationToken,
                ("channel", ChangeChannel), ("event", evicted), ("deleted", Deleted));
        }
        await transaction.CommitAsync(cancellationToken);
        return creation;
    }

    public async Task<IReadOnlyList<ListedEvent>> ListEventsAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await StoreSql.ReadEventListAsync(connection, nowMs, cancellationToken);
    }

    public async Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // REPEATABLE READ: the event's version and its seats come from one snapshot.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command($"{StoreSql.SelectEvent} WHERE id = @id", ("id", eventId)),
                Command($"""
                    SELECT s.seat, s.status, s.booking_ref, {LiveClaimName}, {ClaimClient}
                    FROM seats s
                    WHERE s.event_id = @id AND s.status <> 'available'
                    """, ("id", eventId)),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var row = StoreSql.ReadEvent(reader);
        await reader.NextResultAsync(cancellationToken);
        var seats = new List<StoredSeat>();
        while (await reader.ReadAsync(cancellationToken))
            seats.Add(StoreSql.ReadSeat(reader, 0));
        await reader.CloseAsync();
        var orders = await StoreSql.ReadOrdersAsync(connection, transaction, "o.event_id = @key", eventId, cancellationToken);
        return new StoredEvent(row, seats, orders);
    }

    public async Task<StoredChanges?> LoadChangesAsync(string eventId, long sinceVersion, IReadOnlyCollection<string> seats, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One statement, so the version and the seats come from the same snapshot.
        await using var command = new NpgsqlCommand($"""
            SELECT e.version, s.seat, s.status, s.booking_ref, {LiveClaimName}, {ClaimClient}
            FROM events e
            LEFT JOIN seats s
              ON s.event_id = e.id AND (s.version > @since OR s.seat = ANY(@seats))
            WHERE e.id = @event
            """, connection);
        command.Parameters.AddWithValue("event", eventId);
        command.Parameters.AddWithValue("since", sinceVersion);
        command.Parameters.AddWithValue("seats", seats.ToArray());
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

    public async Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var commit = new NpgsqlBatch(connection);
        commit.BatchCommands.Add(Command(AdvanceVersionSql,
            ("event", batch.EventId), ("from", batch.FromVersion), ("to", batch.ToVersion), ("delta", batch.AvailableDelta)));
        foreach (var write in batch.Writes)
            AddWrite(commit, batch, write);
        // NOTIFY is delivered at commit, in commit order, and only if the batch commits.
        commit.BatchCommands.Add(Command("SELECT pg_notify(@channel, @event || ':' || @to)",
            ("channel", ChangeChannel), ("event", batch.EventId), ("to", batch.ToVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        try
        {
            // No explicit transaction: the batch ends in a single Sync, so the server runs it as one implicit
            // transaction and commits it without waiting for the client, or rolls it all back at the first error.
            await commit.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException error) when (error.SqlState is ConflictState or PostgresErrorCodes.UniqueViolation)
        {
            throw new StoreConflictException($"Event {batch.EventId} at version {batch.FromVersion}: {error.MessageText}");
        }
    }

    private static void AddWrite(NpgsqlBatch commit, CommitBatch batch, StoreWrite write)
    {
        var commands = commit.BatchCommands;
        switch (write)
        {
            case InsertBooking insert:
                commands.Add(Command("""
                    INSERT INTO bookings (reference, event_id, manage_token_hash, created_at_ms, client_key) VALUES (@reference, @event, @token, @now, @client)
                    """, ("reference", insert.Reference), ("event", batch.EventId), ("token", insert.ManageTokenHash), ("now", batch.NowMs),
                    ("client", (object?)insert.ClientKey ?? DBNull.Value)));
                break;
            case ClaimSeat claim:
                AddClaim(commands, batch, claim.Seat, "booked", claim.Reference, claim.Name);
                break;
            case HoldSeat hold:
                AddClaim(commands, batch, hold.Seat, "held", hold.OrderId, hold.Name);
                break;
            case InsertOrder { Order: var order }:
                commands.Add(Command("""
                    INSERT INTO bookings (reference, event_id, manage_token_hash, created_at_ms, client_key) VALUES (@order, @event, @token, @now, @client)
                    """, ("order", order.OrderId), ("event", batch.EventId), ("token", order.ManageTokenHash), ("now", batch.NowMs),
                    ("client", (object?)order.ClientKey ?? DBNull.Value)));
                commands.Add(Command("""
                    INSERT INTO orders (order_id, event_id, idempotency_key, request_hash, email, payment_id,
                                        amount, currency, state, expires_at_ms, tickets_total, created_at_ms, updated_at_ms)
                    VALUES (@order, @event, @key, @hash, @email, @payment, @amount, @currency, 'awaiting_payment', @expires, @tickets, @now, @now)
                    """, ("order", order.OrderId), ("event", batch.EventId), ("key", order.IdempotencyKey), ("hash", order.RequestHash),
                    ("email", order.Email), ("payment", order.PaymentId), ("amount", order.Amount), ("currency", order.Currency),
                    ("expires", order.ExpiresAtMs), ("tickets", order.TicketsTotal), ("now", batch.NowMs)));
                break;
            case ConfirmSeat confirm:
                commands.Add(Command("""
                    WITH confirmed AS (
                      UPDATE seats SET status = 'booked', version = @version
                      WHERE event_id = @event AND seat = @seat AND booking_ref = @order AND status = 'held'
                      RETURNING 1)
                    SELECT expect_one_row((SELECT COUNT(*) FROM confirmed), 'confirming seat ' || @seat)
                    """, ("event", batch.EventId), ("seat", confirm.Seat), ("order", confirm.OrderId), ("version", batch.ToVersion)));
                break;
            case TransitionOrder transition:
                commands.Add(Command("""
                    WITH moved AS (
                      UPDATE orders SET state = @to, refund_due = refund_due OR @refund, updated_at_ms = @now
                      WHERE order_id = @order AND state = @from
                      RETURNING 1)
                    SELECT expect_one_row((SELECT COUNT(*) FROM moved), 'moving order ' || @order || ' from ' || @from)
                    """, ("order", transition.OrderId), ("from", OrderStates.Name(transition.From)), ("to", OrderStates.Name(transition.To)),
                    ("refund", transition.RefundDue), ("now", batch.NowMs)));
                break;
            case RecordPayment payment:
                commands.Add(Command("""
                    INSERT INTO payment_events (payment_id, status, received_at_ms) VALUES (@payment, @status, @now)
                    """, ("payment", payment.PaymentId), ("status", payment.Status), ("now", batch.NowMs)));
                break;
            case ReleaseSeat release:
                commands.Add(Command("""
                    WITH released AS (
                      UPDATE seats SET status = 'available', booking_ref = NULL, version = @version
                      WHERE event_id = @event AND seat = @seat AND booking_ref = @reference AND status IN ('booked', 'held')
                      RETURNING 1)
                    SELECT expect_one_row((SELECT COUNT(*) FROM released), 'releasing seat ' || @seat)
                    """, ("event", batch.EventId), ("seat", release.Seat), ("reference", release.Reference), ("version", batch.ToVersion)));
                commands.Add(Command("""
                    WITH released AS (
                      UPDATE booking_seats SET released_at_ms = @now
                      WHERE reference = @reference AND seat = @seat AND released_at_ms IS NULL
                      RETURNING 1)
                    SELECT expect_one_row((SELECT COUNT(*) FROM released), 'releasing the claim on seat ' || @seat)
                    """, ("reference", release.Reference), ("seat", release.Seat), ("now", batch.NowMs)));
                break;
            case CancelBooking cancel:
                commands.Add(Command("""
                    WITH cancelled AS (
                      UPDATE bookings SET cancelled_at_ms = @now WHERE reference = @reference AND cancelled_at_ms IS NULL
                      RETURNING 1)
                    SELECT expect_one_row((SELECT COUNT(*) FROM cancelled), 'cancelling booking ' || @reference)
                    """, ("reference", cancel.Reference), ("now", batch.NowMs)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown store write.");
        }
    }

    /// <summary>Books or holds a seat, only if it is available, and records the live claim the unique index guards.</summary>
    private static void AddClaim(NpgsqlBatchCommandCollection commands, CommitBatch batch, string seat, string status, string reference, string name)
    {
        commands.Add(Command("""
            WITH claimed AS (
              INSERT INTO seats (event_id, seat, status, booking_ref, version) VALUES (@event, @seat, @status, @reference, @version)
              ON CONFLICT (event_id, seat) DO UPDATE
                SET status = excluded.status, booking_ref = excluded.booking_ref, version = excluded.version
                WHERE seats.status = 'available'
              RETURNING 1)
            SELECT expect_one_row((SELECT COUNT(*) FROM claimed), 'claiming seat ' || @seat)
            """, ("event", batch.EventId), ("seat", seat), ("status", status), ("reference", reference), ("version", batch.ToVersion)));
        commands.Add(Command("""
            INSERT INTO booking_seats (reference, event_id, seat, name) VALUES (@reference, @event, @seat, @name)
            """, ("reference", reference), ("event", batch.EventId), ("seat", seat), ("name", name)));
    }

    public async Task<StoredOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.order_id = @key", orderId, cancellationToken);

    public async Task<StoredOrder?> FindOrderByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.idempotency_key = @key", idempotencyKey, cancellationToken);

    public async Task<StoredOrder?> FindOrderByPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        await ReadOneOrderAsync("o.payment_id = @key", paymentId, cancellationToken);

    public async Task<IReadOnlyList<DueOrder>> DueOrdersAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await StoreSql.ReadDueOrdersAsync(connection, nowMs, cancellationToken);
    }

    public async Task<bool> IssueTicketAsync(string orderId, StoredTicket ticket, int number, bool last, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One statement: the count is the compare-and-set, and the ticket is inserted only if it moved.
        await using var command = new NpgsqlCommand("""
            WITH counted AS (
              UPDATE orders SET tickets_issued = @number, state = CASE WHEN @last THEN 'ticketed' ELSE state END, updated_at_ms = @now
              WHERE order_id = @order AND state = 'paid' AND tickets_issued = @number - 1
              RETURNING order_id)
            INSERT INTO tickets (code, order_id, seat, name, issued_at_ms)
            SELECT @code, order_id, @seat, @name, @now FROM counted
            """, connection);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("number", number);
        command.Parameters.AddWithValue("last", last);
        command.Parameters.AddWithValue("now", nowMs);
        command.Parameters.AddWithValue("code", ticket.Code);
        command.Parameters.AddWithValue("seat", ticket.Seat);
        command.Parameters.AddWithValue("name", ticket.Name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<byte[]> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Every process may try to create it at once; the first insert wins and everyone reads that one.
        await using var command = new NpgsqlCommand("""
            WITH created AS (
              INSERT INTO secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING RETURNING value)
            SELECT value FROM created UNION ALL SELECT value FROM secrets WHERE name = @name LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("value", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<StoredOrder?> ReadOneOrderAsync(string condition, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var orders = await StoreSql.ReadOrdersAsync(connection, transaction, condition, key, cancellationToken);
        return orders.Count == 0 ? null : orders[0];
    }

    public async Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await StoreSql.ReadBookingAsync(connection, reference, "claim_order", cancellationToken);
    }

    public async Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command("SELECT version, seat_count, available_count FROM events WHERE id = @event", ("event", eventId)),
                Command("SELECT status, COUNT(*)::int FROM seats WHERE event_id = @event AND status <> 'available' GROUP BY status", ("event", eventId)),
                Command(StoreSql.AuditAnomalies, ("event", eventId)),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var (version, seatCount, availableCount) = (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2));

        await reader.NextResultAsync(cancellationToken);
        var claimed = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            claimed[reader.GetString(0)] = reader.GetInt32(1);

        await reader.NextResultAsync(cancellationToken);
        var anomalies = await StoreSql.ReadAnomaliesAsync(reader, cancellationToken);
        return new StoredAudit(version, seatCount, availableCount, claimed, anomalies);
    }

    private const string AdvanceVersionSql = """
        WITH advanced AS (
          UPDATE events SET version = @to, available_count = available_count + @delta
          WHERE id = @event AND version = @from
          RETURNING 1)
        SELECT expect_one_row((SELECT COUNT(*) FROM advanced), 'moving event ' || @event || ' on from version ' || @from)
        """;

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

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
