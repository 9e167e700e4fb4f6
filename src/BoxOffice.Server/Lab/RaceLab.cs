using BoxOffice.Contracts;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Server.Lab;

/// <summary>
/// Real implementations of the strategies that fail under a rush, run on the lab's own tables so the
/// damage stays in the lab: <c>naive</c> (read, wait, write), <c>occ</c> (a version check, no retry)
/// and <c>lock</c> (a transaction holding the write lock). The production path is the desk.
/// </summary>
/// <remarks>
/// SQLite has a single writer. Lab writes queue for it on an async lock rather than spinning on
/// SQLITE_BUSY and blocking threads; the races themselves happen between each read and its write,
/// exactly as they would on any database.
/// </remarks>
public sealed class RaceLab(string connectionString, TimeSpan delay) : IDisposable
{
    public static readonly IReadOnlyList<string> Strategies = ["naive", "occ", "lock", "desk"];

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task CreateSeatsAsync(string eventId, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var insert = Command(connection, "INSERT INTO lab_seats (event_id, seat, position) VALUES (@event, @seat, @position)", eventId);
            insert.Transaction = transaction;
            var seat = insert.Parameters.AddWithValue("@seat", "");
            var position = insert.Parameters.AddWithValue("@position", 0);
            for (var i = 0; i < labels.Count; i++)
            {
                (seat.Value, position.Value) = (labels[i], i);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>One buyer, one seat, by the given strategy. Returns the seat the buyer was told is theirs, or null.</summary>
    public Task<string?> BookAsync(string strategy, string eventId, string holder, CancellationToken cancellationToken) => strategy switch
    {
        "naive" => NaiveAsync(eventId, holder, cancellationToken),
        "occ" => OptimisticAsync(eventId, holder, cancellationToken),
        "lock" => LockingAsync(eventId, holder, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown lab strategy."),
    };

    /// <summary>Find the first free seat, then claim it: between the two, someone else may claim it too.</summary>
    private async Task<string?> NaiveAsync(string eventId, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var free = await FirstFreeAsync(connection, null, eventId, cancellationToken);
        if (free is null)
            return null;
        await Task.Delay(delay, cancellationToken);
        await WriteAsync(connection, """
            UPDATE lab_seats SET holder = @holder WHERE event_id = @event AND seat = @seat;
            INSERT INTO lab_claims (event_id, seat, holder, mode) VALUES (@event, @seat, @holder, 'naive');
            """, eventId, free.Value, holder, cancellationToken);
        return free.Value.Seat;
    }

    /// <summary>Claim only if nobody changed the seat since it was read; a loser gives up, though other seats are free.</summary>
    private async Task<string?> OptimisticAsync(string eventId, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var free = await FirstFreeAsync(connection, null, eventId, cancellationToken);
        if (free is null)
            return null;
        await Task.Delay(delay, cancellationToken);
        var claimed = await WriteAsync(connection, """
            UPDATE lab_seats SET holder = @holder, version = version + 1
            WHERE event_id = @event AND seat = @seat AND version = @version;
            INSERT INTO lab_claims (event_id, seat, holder, mode) SELECT @event, @seat, @holder, 'occ' WHERE changes() = 1;
            """, eventId, free.Value, holder, cancellationToken);
        return claimed > 0 ? free.Value.Seat : null;
    }

    /// <summary>Read and write inside one IMMEDIATE transaction: correct, and every buyer waits for the one before.</summary>
    private async Task<string?> LockingAsync(string eventId, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var free = await FirstFreeAsync(connection, transaction, eventId, cancellationToken);
            if (free is null)
                return null;
            await Task.Delay(delay, cancellationToken);
            await using var claim = Command(connection, """
                UPDATE lab_seats SET holder = @holder, version = version + 1 WHERE event_id = @event AND seat = @seat;
                INSERT INTO lab_claims (event_id, seat, holder, mode) VALUES (@event, @seat, @holder, 'lock');
                """, eventId);
            claim.Transaction = transaction;
            claim.Parameters.AddWithValue("@seat", free.Value.Seat);
            claim.Parameters.AddWithValue("@holder", holder);
            await claim.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return free.Value.Seat;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>What really happened to a strategy's seats: who was told success, and what the seat rows say.</summary>
    public async Task<LabTally> TallyAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT
              (SELECT COUNT(*) FROM lab_seats WHERE event_id = @event),
              (SELECT COUNT(*) FROM lab_claims WHERE event_id = @event),
              (SELECT COUNT(*) FROM lab_seats WHERE event_id = @event AND holder IS NOT NULL),
              (SELECT COUNT(*) FROM lab_claims c WHERE c.event_id = @event AND NOT EXISTS (
                 SELECT 1 FROM lab_seats s WHERE s.event_id = c.event_id AND s.seat = c.seat AND s.holder = c.holder)),
              (SELECT COUNT(*) FROM (SELECT seat FROM lab_claims WHERE event_id = @event GROUP BY seat HAVING COUNT(*) > 1))
            """, eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var claimed = reader.GetInt32(2);
        return new LabTally(reader.GetInt32(1), claimed, reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(0) - claimed);
    }

    public async Task StartRunAsync(LabRun run, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await WriteAsync(connection, """
            INSERT INTO lab_runs (id, seats, buyers, status, started_at_ms) VALUES (@id, @seats, @buyers, 'running', @now)
            """, cancellationToken, ("@id", run.Id), ("@seats", run.Seats), ("@buyers", run.Buyers), ("@now", nowMs));
    }

    public async Task AddResultAsync(string runId, int position, LabStrategyResult result, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await WriteAsync(connection, """
            INSERT INTO lab_run_results (run_id, position, strategy, told_success, refused, errors, seats_claimed, lost_updates,
              double_booked_seats, unsold_seats, audit_anomalies, wall_ms, p99_ms)
            VALUES (@run, @position, @strategy, @told, @refused, @errors, @claimed, @lost, @doubles, @unsold, @anomalies, @wall, @p99)
            """, cancellationToken, ("@run", runId), ("@position", position), ("@strategy", result.Strategy), ("@told", result.ToldSuccess),
            ("@refused", result.Refused), ("@errors", result.Errors), ("@claimed", result.SeatsClaimed), ("@lost", result.LostUpdates),
            ("@doubles", result.DoubleBookedSeats), ("@unsold", result.UnsoldSeats), ("@anomalies", result.AuditAnomalies),
            ("@wall", result.WallMs), ("@p99", result.P99Ms));
    }

    /// <summary>Marks a run done or failed; with <paramref name="runId"/> null, every run still marked running (a process that stopped mid-run).</summary>
    public async Task FinishRunAsync(string? runId, string status, string? error, long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await WriteAsync(connection, """
            UPDATE lab_runs SET status = @status, error = @error, finished_at_ms = @now
            WHERE status = 'running' AND (@id IS NULL OR id = @id)
            """, cancellationToken, ("@id", runId), ("@status", status), ("@error", error), ("@now", nowMs));
    }

    public async Task<LabRun?> LoadRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seats, buyers, status, error FROM lab_runs WHERE id = @id;
            SELECT strategy, told_success, refused, errors, seats_claimed, lost_updates, double_booked_seats, unsold_seats,
              audit_anomalies, wall_ms, p99_ms
            FROM lab_run_results WHERE run_id = @id ORDER BY position;
            """;
        command.Parameters.AddWithValue("@id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var (seats, buyers, status, error) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        await reader.NextResultAsync(cancellationToken);
        var results = new List<LabStrategyResult>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new LabStrategyResult(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt64(9), reader.GetDouble(10)));
        }
        return new LabRun(runId, seats, buyers, status, null, results, error);
    }

    public void Dispose() => _writeLock.Dispose();

    private static async Task<(string Seat, long Version)?> FirstFreeAsync(SqliteConnection connection, SqliteTransaction? transaction, string eventId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            SELECT seat, version FROM lab_seats WHERE event_id = @event AND holder IS NULL ORDER BY position LIMIT 1
            """, eventId);
        command.Transaction = transaction;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private Task<int> WriteAsync(SqliteConnection connection, string sql, string eventId, (string Seat, long Version) read, string holder, CancellationToken cancellationToken) =>
        WriteAsync(connection, sql, cancellationToken, ("@event", eventId), ("@seat", read.Seat), ("@version", read.Version), ("@holder", holder));

    private async Task<int> WriteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string eventId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@event", eventId);
        return command;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

/// <summary>What the lab's tables say after one strategy's rush.</summary>
public sealed record LabTally(int ToldSuccess, int SeatsClaimed, int LostUpdates, int DoubleBookedSeats, int UnsoldSeats);
