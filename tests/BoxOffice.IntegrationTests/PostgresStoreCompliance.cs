using BoxOffice.Server.Storage;
using BoxOffice.Server.Storage.Postgres;
using Npgsql;

namespace BoxOffice.IntegrationTests;

public sealed class PostgresStoreFixture : StoreFixture
{
    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;
    private PostgresBookingStore? _store;

    public PostgresDatabase Database => _database!;

    public override async ValueTask InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync("store");
        _dataSource = PostgresBookingStore.CreateDataSource(_database.ConnectionString);
        Store = _store = new PostgresBookingStore(_dataSource, TimeProvider.System);
        await Store.MigrateAsync(CancellationToken.None);
    }

    public override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        if (_dataSource is not null)
            await _dataSource.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

public sealed class PostgresStoreCompliance(PostgresStoreFixture fixture) : BookingStoreCompliance(fixture), IClassFixture<PostgresStoreFixture>
{
    [Fact]
    public async Task Processes_that_start_together_apply_each_migration_once()
    {
        await using var database = await PostgresDatabase.CreateAsync("migrate");
        var dataSources = Enumerable.Range(0, 4).Select(_ => PostgresBookingStore.CreateDataSource(database.ConnectionString)).ToArray();
        var stores = dataSources.Select(source => new PostgresBookingStore(source, TimeProvider.System)).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(store => store.MigrateAsync(CancellationToken.None)));
            await stores[0].MigrateAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
            foreach (var source in dataSources)
                await source.DisposeAsync();
        }

        Assert.Equal((long)Migrations.For("Postgres").Count, await database.ScalarAsync("SELECT COUNT(*) FROM schema_version"));
    }
}
