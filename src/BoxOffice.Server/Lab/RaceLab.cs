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
    public static readonly IReadOnlyList<string> Modes = ["naive", "occ", "lock", "desk"];

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
    public Task<string?> BookAsync(string mode, string eventId, string holder, CancellationToken cancellationToken) => mode switch
    {
        "naive" => NaiveAsync(eventId, holder, cancellationToken),
        "occ" => OptimisticAsync(eventId, holder, cancellationToken),
        "lock" => LockingAsync(eventId, holder, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown lab mode."),
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

    /// <summary>What really happened in a lab event: who was told success, and what the seat rows say.</summary>
    public async Task<LabResult?> ResultAsync(string eventId, CancellationToken cancellationToken)
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
        var seats = reader.GetInt32(0);
        if (seats == 0)
            return null;
        var claimed = reader.GetInt32(2);
        return new LabResult(eventId, seats, reader.GetInt32(1), claimed, reader.GetInt32(3), reader.GetInt32(4), seats - claimed);
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

    private async Task<int> WriteAsync(SqliteConnection connection, string sql, string eventId, (string Seat, long Version) read, string holder, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, eventId);
        command.Parameters.AddWithValue("@seat", read.Seat);
        command.Parameters.AddWithValue("@version", read.Version);
        command.Parameters.AddWithValue("@holder", holder);
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
