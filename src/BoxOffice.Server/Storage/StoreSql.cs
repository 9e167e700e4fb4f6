using System.Data.Common;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.Server.Storage;

/// <summary>
/// The SQL that SQLite and PostgreSQL both accept, and the reading that goes with it, shared by both
/// stores so the two cannot drift apart. Writes stay in the dialect classes: their conflict checks differ.
/// </summary>
internal static class StoreSql
{
    public const string SelectEvent = """
        SELECT id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial
        FROM events
        """;

    public static EventRow ReadEvent(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        JsonSerializer.Deserialize(reader.GetString(3), StorageJson.Default.IReadOnlyDictionaryStringInt64)!,
        reader.GetString(4),
        reader.GetInt32(5),
        reader.GetInt32(6),
        reader.GetInt64(7),
        reader.GetInt64(8),
        reader.GetBoolean(9));

    /// <summary>A seat's row from <paramref name="first"/> on: seat, status, booking, the name on its live claim, and the client that made it.</summary>
    public static StoredSeat ReadSeat(DbDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4));

    /// <summary>
    /// The event list: <c>available_count</c> left out every held seat when it was held, so the seats of
    /// unpaid orders past their deadline are added back, swept or not. Parameter: <c>@now</c>.
    /// </summary>
    private const string ListEvents = """
        SELECT id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial,
          (SELECT COALESCE(SUM(o.tickets_total), 0) FROM orders o
           WHERE o.event_id = events.id AND o.state = 'awaiting_payment' AND o.expires_at_ms > @now),
          (SELECT COALESCE(SUM(o.tickets_total), 0) FROM orders o
           WHERE o.event_id = events.id AND o.state = 'awaiting_payment' AND o.expires_at_ms <= @now)
        FROM events
        WHERE NOT tutorial
        ORDER BY created_at_ms DESC, id
        LIMIT 1000
        """;

    public static async Task<IReadOnlyList<ListedEvent>> ReadEventListAsync(DbConnection connection, long nowMs, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = ListEvents;
        AddParameter(command, "@now", nowMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<ListedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ReadEvent(reader);
            // SUM is an integer in SQLite and a bigint in PostgreSQL; both convert.
            var held = Convert.ToInt32(reader.GetValue(10), System.Globalization.CultureInfo.InvariantCulture);
            var lapsed = Convert.ToInt32(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture);
            events.Add(new ListedEvent(row, row.AvailableCount + lapsed, held));
        }
        return events;
    }

    /// <summary>A tutorial flight, inserted only while fewer than <c>@max</c> exist; the id's conflict changes nothing.</summary>
    private const string InsertFlightBelowBound = """
        INSERT INTO events (id, title, layout_json, prices_json, currency, seat_count, available_count, version, created_at_ms, tutorial)
        SELECT @id, @title, @layout, @prices, @currency, @seats, @available, 0, @created, TRUE
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
    private const string DeleteFlight = """
        DELETE FROM booking_seats WHERE event_id = @victim;
        DELETE FROM seats WHERE event_id = @victim;
        DELETE FROM bookings WHERE event_id = @victim;
        DELETE FROM events WHERE id = @victim AND tutorial
        """;

    /// <summary>
    /// <see cref="IBookingStore.CreateFlightAsync"/> inside the caller's write transaction, which must keep every
    /// other flight creator out until it commits (each dialect says how): the count and the insert race otherwise.
    /// </summary>
    public static async Task<FlightCreation> CreateFlightAsync(
        DbConnection connection, DbTransaction transaction, EventRow row, int maxFlights, CancellationToken cancellationToken)
    {
        (string, object)[] flight =
        [
            ("@id", row.Id), ("@title", row.Title), ("@layout", row.LayoutJson),
            ("@prices", JsonSerializer.Serialize(row.Prices, StorageJson.Default.IReadOnlyDictionaryStringInt64)),
            ("@currency", row.Currency), ("@seats", row.SeatCount), ("@available", row.AvailableCount), ("@created", row.CreatedAtMs), ("@max", maxFlights),
        ];
        if (await ExecuteAsync(connection, transaction, InsertFlightBelowBound, cancellationToken, flight) == 1)
            return new FlightCreation(FlightOutcome.Created);
        if (await CountAsync(connection, transaction, "SELECT COUNT(*) FROM events WHERE id = @id", cancellationToken, ("@id", row.Id)) > 0)
            return new FlightCreation(FlightOutcome.IdTaken);

        await using var oldest = Command(connection, transaction, OldestFlightWithoutLiveClaims);
        if (await oldest.ExecuteScalarAsync(cancellationToken) is not string victim)
            return new FlightCreation(FlightOutcome.Full);
        // On PostgreSQL every batch that claims a seat first takes its event's row (the version compare-and-set).
        // Taking that row here waits for a batch in flight and keeps later ones out until this commits, so the
        // claims counted next cannot change before the delete. Under SQLite's one writer nothing comes between anyway.
        var locked = await ExecuteAsync(connection, transaction, "UPDATE events SET version = version WHERE id = @victim AND tutorial", cancellationToken, ("@victim", victim));
        var liveClaims = await CountAsync(connection, transaction, "SELECT COUNT(*) FROM booking_seats WHERE event_id = @victim AND released_at_ms IS NULL", cancellationToken, ("@victim", victim));
        if (locked != 1 || liveClaims > 0)
            return new FlightCreation(FlightOutcome.Full);
        await ExecuteAsync(connection, transaction, DeleteFlight, cancellationToken, ("@victim", victim));
        var created = await ExecuteAsync(connection, transaction, InsertFlightBelowBound, cancellationToken, flight) == 1;
        return new FlightCreation(created ? FlightOutcome.Created : FlightOutcome.Full, victim);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Unpaid orders past their deadline, and paid orders not yet ticketed, oldest deadline first.</summary>
    public static async Task<IReadOnlyList<DueOrder>> ReadDueOrdersAsync(DbConnection connection, long nowMs, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT order_id, event_id, state FROM orders
            WHERE (state = 'awaiting_payment' AND expires_at_ms <= @now) OR state = 'paid'
            ORDER BY expires_at_ms
            LIMIT 1000
            """;
        AddParameter(command, "@now", nowMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueOrder>();
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new DueOrder(reader.GetString(0), reader.GetString(1), OrderStates.Parse(reader.GetString(2))));
        return due;
    }

    /// <summary>Each arm finds one kind of broken invariant; on a healthy event the result is empty. Parameter: <c>@event</c>.</summary>
    public const string AuditAnomalies = """
        SELECT 'double_claim', seat, NULL, COUNT(*) || ' live claims'
        FROM booking_seats WHERE event_id = @event AND released_at_ms IS NULL
        GROUP BY seat HAVING COUNT(*) > 1
        UNION ALL
        SELECT 'booking_without_seat', b.seat, b.reference, 'the seat row is ' || COALESCE(s.status || ' by ' || COALESCE(s.booking_ref, 'nobody'), 'missing')
        FROM booking_seats b
        LEFT JOIN seats s ON s.event_id = b.event_id AND s.seat = b.seat
        WHERE b.event_id = @event AND b.released_at_ms IS NULL
          AND (s.status IS NULL OR s.status NOT IN ('booked', 'held') OR s.booking_ref IS DISTINCT FROM b.reference)
        UNION ALL
        SELECT 'seat_without_booking', s.seat, s.booking_ref, 'booked, but no live claim by that booking'
        FROM seats s
        WHERE s.event_id = @event AND s.status = 'booked' AND NOT EXISTS (
          SELECT 1 FROM booking_seats b
          WHERE b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL)
        """;

    public static async Task<IReadOnlyList<AuditAnomaly>> ReadAnomaliesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var anomalies = new List<AuditAnomaly>();
        while (await reader.ReadAsync(cancellationToken))
        {
            anomalies.Add(new AuditAnomaly(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3)));
        }
        return anomalies;
    }

    /// <summary>
    /// Orders matching <paramref name="condition"/> (on alias <c>o</c>, parameter <c>@key</c>) with their seats,
    /// tickets and webhook outcomes: two statements, run inside the caller's transaction so they agree.
    /// </summary>
    public static async Task<IReadOnlyList<StoredOrder>> ReadOrdersAsync(
        DbConnection connection, DbTransaction? transaction, string condition, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        AddParameter(command, "@key", key);
        command.CommandText = $"""
            SELECT o.order_id, o.event_id, o.idempotency_key, o.request_hash, o.payment_id, o.amount, o.currency, o.state,
                   o.refund_due, o.expires_at_ms, o.tickets_total, o.tickets_issued,
                   (SELECT k.client_key FROM bookings k WHERE k.reference = o.order_id)
            FROM orders o WHERE {condition}
            """;
        var rows = new List<StoredOrder>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // refund_due is an integer in SQLite and a boolean in PostgreSQL; both convert.
                rows.Add(new StoredOrder(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.GetString(6), OrderStates.Parse(reader.GetString(7)),
                    Convert.ToBoolean(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
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

    /// <summary>A booking with its seats in the order they were claimed: <paramref name="claimOrder"/> is the dialect's column for that order.</summary>
    public static async Task<StoredBooking?> ReadBookingAsync(DbConnection connection, string reference, string claimOrder, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT b.event_id, b.manage_token_hash, b.created_at_ms, b.cancelled_at_ms, s.seat, s.name, s.released_at_ms
            FROM bookings b
            LEFT JOIN booking_seats s ON s.reference = b.reference
            WHERE b.reference = @reference
            ORDER BY s.{claimOrder}
            """;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@reference";
        parameter.Value = reference;
        command.Parameters.Add(parameter);
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

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
