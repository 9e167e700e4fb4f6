using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Server.Storage;

/// <summary>
/// The embedded default store. WAL lets readers run beside the one writer connection;
/// <c>synchronous=FULL</c> makes every commit durable before the desk acknowledges it.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time, and each commit costs an fsync. So every write, not only desks'
/// batches, goes through the writer loop and its one connection.
/// </remarks>
public sealed class SqliteBookingStore : BookingStore
{
    private const int MaxWritesPerTransaction = 256;
    private const int SQLiteConstraint = 19;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    /// <summary>The writer's statements, prepared once on its connection and reused for every write.</summary>
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;

    public SqliteBookingStore(string connectionString, TimeProvider time)
        : base(MaxWritesPerTransaction)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        _connectionString = builder.ToString();
        _time = time;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
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
        var applied = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
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
    }

    // The writer loop is this process's one writer, and its IMMEDIATE transactions keep other processes on the
    // file out, so no other write comes between the count and the insert.
    public override Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken) =>
        WriteAsync(transaction => CreateFlightInAsync(transaction, row, maxFlights));

    private protected override async Task<T> WriteAsync<T>(Func<WriteTransaction, Task<T>> work)
    {
        T result = default!;
        await GroupCommitAsync(null, async transaction => result = await work(transaction));
        return result;
    }

    private protected override Task<WriteTransaction> BeginWriteAsync()
    {
        var writer = _writer ?? throw new InvalidOperationException("The store is not migrated yet.");
        // IMMEDIATE takes the write lock up front, so another process on the same file waits on
        // busy_timeout instead of failing the upgrade from a read lock halfway through.
        return Task.FromResult<WriteTransaction>(new SqliteWriteTransaction(writer.BeginTransaction(deferred: false), _prepared));
    }

    private protected override bool IsConflict(Exception error) => error is SqliteException { SqliteErrorCode: SQLiteConstraint };

    // SQLite names the broken index only in its message.
    private protected override bool IsIdempotencyKeyTaken(Exception error) =>
        error is SqliteException { SqliteErrorCode: SQLiteConstraint } constraint
        && constraint.Message.Contains("orders.idempotency_key", StringComparison.Ordinal);

    /// <summary>Rows of an ordinary SQLite table are numbered as they are inserted.</summary>
    private protected override string ClaimOrder => "rowid";

    private protected override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private protected override async ValueTask DisposeWriterAsync()
    {
        foreach (var command in _prepared.Values)
            await command.DisposeAsync();
        if (_writer is not null)
            await _writer.DisposeAsync();
    }

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

    private static async Task Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A transaction on the writer connection. Statements run one by one: SQLite is in-process, there are no round trips to save.</summary>
    private sealed class SqliteWriteTransaction(SqliteTransaction transaction, Dictionary<string, SqliteCommand> prepared) : WriteTransaction
    {
        private const string Savepoint = "write";

        public override async Task<int[]> ExecuteAsync(IReadOnlyList<Statement> statements)
        {
            var affected = new int[statements.Count];
            for (var i = 0; i < statements.Count; i++)
                affected[i] = await Prepare(statements[i]).ExecuteNonQueryAsync();
            return affected;
        }

        public override async Task<object?> ScalarAsync(Statement statement) => await Prepare(statement).ExecuteScalarAsync();

        public override Task SavepointAsync()
        {
            transaction.Save(Savepoint);
            return Task.CompletedTask;
        }

        public override Task ReleaseSavepointAsync()
        {
            transaction.Release(Savepoint);
            return Task.CompletedTask;
        }

        public override Task RollbackToSavepointAsync()
        {
            transaction.Rollback(Savepoint);
            transaction.Release(Savepoint);
            return Task.CompletedTask;
        }

        public override Task CommitAsync() => transaction.CommitAsync();

        public override ValueTask DisposeAsync() => transaction.DisposeAsync();

        private SqliteCommand Prepare(Statement statement)
        {
            if (!prepared.TryGetValue(statement.Sql, out var command))
            {
                command = transaction.Connection!.CreateCommand();
                command.CommandText = statement.Sql;
                foreach (var (name, _) in statement.Parameters)
                    command.Parameters.Add(new SqliteParameter(name, null));
                prepared.Add(statement.Sql, command);
            }
            command.Transaction = transaction;
            foreach (var (name, value) in statement.Parameters)
                command.Parameters[name].Value = value ?? DBNull.Value;
            return command;
        }
    }
}
