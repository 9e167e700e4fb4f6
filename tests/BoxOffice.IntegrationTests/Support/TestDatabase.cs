using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace BoxOffice.IntegrationTests;

/// <summary>The two stores a test server can run on; API tests written once run on each.</summary>
public enum TestStore
{
    Sqlite,
    Postgres,
}

/// <summary>A database of one test server's own, on either store, removed when disposed.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    /// <summary>The settings that put a server on this database.</summary>
    IReadOnlyDictionary<string, string> ServerSettings { get; }

    /// <summary>A connection around the server, to check what it really committed or to break its data on purpose.</summary>
    Task<DbConnection> OpenAsync();
}

public static class TestDatabases
{
    /// <summary>The first column of the first row.</summary>
    public static async Task<object?> ScalarAsync(this ITestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Every row, each as its column values.</summary>
    public static async Task<List<object[]>> RowsAsync(this ITestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}

/// <summary>A SQLite file in the temporary folder, with its WAL files deleted along with it.</summary>
public sealed class SqliteDatabase : ITestDatabase
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"boxoffice-it-{Guid.NewGuid():N}.db");

    public IReadOnlyDictionary<string, string> ServerSettings => new Dictionary<string, string> { ["ConnectionStrings:BoxOffice"] = $"Data Source={Path}" };

    /// <summary>Unpooled, so no connection outlives the check and the file can be deleted; writable, as on PostgreSQL, to break data on purpose.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path};Mode=ReadWrite;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(Path + suffix);
        return ValueTask.CompletedTask;
    }
}
