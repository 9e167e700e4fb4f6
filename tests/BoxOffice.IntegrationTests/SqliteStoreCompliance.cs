using BoxOffice.Server.Storage;
using Microsoft.Data.Sqlite;

namespace BoxOffice.IntegrationTests;

public sealed class SqliteStoreFixture : StoreFixture
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"boxoffice-store-{Guid.NewGuid():N}.db");
    private SqliteBookingStore? _store;

    public override async ValueTask InitializeAsync()
    {
        Store = _store = new SqliteBookingStore($"Data Source={_path}", TimeProvider.System);
        await Store.MigrateAsync(CancellationToken.None);
    }

    public override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
    }
}

public sealed class SqliteStoreCompliance(SqliteStoreFixture fixture) : BookingStoreCompliance(fixture), IClassFixture<SqliteStoreFixture>;
