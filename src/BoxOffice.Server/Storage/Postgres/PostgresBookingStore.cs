using System.Data.Common;
using Npgsql;

namespace BoxOffice.Server.Storage.Postgres;

/// <summary>
/// The store for several processes on one PostgreSQL. As on SQLite, one writer loop per process commits the
/// batches of all its desks in one transaction, each batch in a savepoint and in one round trip
/// (<see cref="NpgsqlBatch"/>).
/// </summary>
/// <remarks>
/// Orleans keeps one desk per event in the cluster, but the database stays the arbiter: should two ever commit
/// for one event, the compare-and-set on <c>events.version</c> comes first in every batch, the loser waits on the
/// event's row lock, then finds the version moved, and its savepoint rolls back while the rest of its group commits.
/// </remarks>
public sealed class PostgresBookingStore(NpgsqlDataSource dataSource, TimeProvider time) : BookingStore(MaxWritesPerTransaction)
{
    /// <summary>
    /// Each batch's savepoint is a subtransaction with an id of its own. A backend keeps up to 64 of them in
    /// shared memory; past that every other session's snapshot has to look them up in pg_subtrans, which is slow.
    /// </summary>
    private const int MaxWritesPerTransaction = 64;

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

    public override async Task MigrateAsync(CancellationToken cancellationToken)
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

    public override Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken) =>
        WriteAsync(async transaction =>
        {
            // Processes share nothing but the database, and under READ COMMITTED two creators could both count one
            // below the bound and both insert. Every creator takes this lock first and holds it to its commit, so
            // counts and inserts never interleave, across any number of processes; desks' batches never take it.
            await transaction.ExecuteAsync(new Statement("SELECT pg_advisory_xact_lock(@lock)", ("@lock", FlightLock)));
            return await CreateFlightInAsync(transaction, row, maxFlights);
        });

    /// <summary>
    /// A write of its own, outside the writer loop: its transaction holds locks only for itself. A flight's lock
    /// taken inside a group would wait on, and hold up, every desk's batch in it.
    /// </summary>
    private protected override async Task<T> WriteAsync<T>(Func<WriteTransaction, Task<T>> work)
    {
        await using var transaction = await BeginWriteAsync();
        var result = await work(transaction);
        await transaction.CommitAsync();
        return result;
    }

    private protected override async Task<WriteTransaction> BeginWriteAsync()
    {
        var connection = await dataSource.OpenConnectionAsync();
        return new PostgresWriteTransaction(connection, await connection.BeginTransactionAsync());
    }

    /// <summary>
    /// A unique key that refuses a claim means another process got there first. A deadlock can only come from
    /// writes outside the lock order (an order's or a flight's row); the database breaks it by refusing one side,
    /// and the desk reloads and tries again as after any lost race.
    /// </summary>
    private protected override bool IsConflict(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected };

    private protected override bool IsIdempotencyKeyTaken(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "orders_by_idempotency_key" };

    /// <summary>PostgreSQL rows have no insertion order; migration 0001 gives claims an identity column for it.</summary>
    private protected override string ClaimOrder => "claim_order";

    private protected override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A transaction on a connection of its own. Each <see cref="ExecuteAsync(IReadOnlyList{Statement})"/> is one
    /// round trip; the savepoint commands wait and go out at the head of the next one, so a batch in a group costs
    /// one round trip, savepoint included.
    /// </summary>
    private sealed class PostgresWriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : WriteTransaction
    {
        private const string Savepoint = "SAVEPOINT write";
        private const string Release = "RELEASE SAVEPOINT write";
        private const string RollbackTo = "ROLLBACK TO SAVEPOINT write";

        private readonly List<string> _waiting = [];

        public override async Task<int[]> ExecuteAsync(IReadOnlyList<Statement> statements)
        {
            await using var batch = Batch(statements, out var first);
            // Each conditional write is checked by its row count after the round trip, not inside the server: if one
            // missed, the savepoint is still there to roll the whole write back.
            await batch.ExecuteNonQueryAsync();
            var affected = new int[statements.Count];
            for (var i = 0; i < affected.Length; i++)
                affected[i] = batch.BatchCommands[first + i].RecordsAffected;
            return affected;
        }

        public override async Task<object?> ScalarAsync(Statement statement)
        {
            await using var batch = Batch([statement], out _);
            await using var reader = await batch.ExecuteReaderAsync();
            do
            {
                if (await reader.ReadAsync())
                    return reader.IsDBNull(0) ? null : reader.GetValue(0);
            }
            while (await reader.NextResultAsync());
            return null;
        }

        public override Task SavepointAsync() => Wait(Savepoint);

        public override Task ReleaseSavepointAsync() => Wait(Release);

        public override Task RollbackToSavepointAsync() => Wait(RollbackTo, Release);

        public override async Task CommitAsync()
        {
            // COMMIT keeps whatever a savepoint still holds, and turns a transaction that an error aborted into a
            // rollback of everything; so a write waiting to be rolled back must be before the commit. Releases need not.
            if (_waiting.Contains(RollbackTo))
                await ExecuteAsync([]);
            await transaction.CommitAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        private Task Wait(params string[] commands)
        {
            _waiting.AddRange(commands);
            return Task.CompletedTask;
        }

        /// <summary>The waiting savepoint commands, then <paramref name="statements"/>, which start at <paramref name="first"/>.</summary>
        private NpgsqlBatch Batch(IReadOnlyList<Statement> statements, out int first)
        {
            var batch = new NpgsqlBatch(connection, transaction);
            foreach (var command in _waiting)
                batch.BatchCommands.Add(new NpgsqlBatchCommand(command));
            first = _waiting.Count;
            _waiting.Clear();
            foreach (var statement in statements)
            {
                var command = new NpgsqlBatchCommand(statement.Sql);
                foreach (var (name, value) in statement.Parameters)
                    command.Parameters.AddWithValue(name, value ?? DBNull.Value);
                batch.BatchCommands.Add(command);
            }
            return batch;
        }
    }
}
