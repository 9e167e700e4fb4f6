using System.Data.Common;
using Npgsql;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// A fresh database of its own on the test server, dropped at the end. The server comes from
/// <c>BOXOFFICE_TEST_POSTGRES</c> (which <c>./test.sh</c> sets), or a local default.
/// </summary>
public sealed class PostgresDatabase : ITestDatabase
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=postgres";

    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public IReadOnlyDictionary<string, string> ServerSettings =>
        new Dictionary<string, string> { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:BoxOffice"] = ConnectionString };

    public static async Task<PostgresDatabase> CreateAsync(string purpose)
    {
        var name = $"boxoffice_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var server = await OpenServerAsync())
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server))
            await create.ExecuteNonQueryAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(Server()) { Database = name }.ConnectionString;
        return new PostgresDatabase(name, connectionString);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    async Task<DbConnection> ITestDatabase.OpenAsync() => await OpenAsync();

    public async ValueTask DisposeAsync()
    {
        await using var server = await OpenServerAsync();
        // FORCE ends the connections that servers under test still hold in their pools.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Server() => Environment.GetEnvironmentVariable("BOXOFFICE_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultServer;

    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Server()) { Pooling = false };
        if (string.IsNullOrEmpty(builder.Database))
            builder.Database = "postgres";
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
