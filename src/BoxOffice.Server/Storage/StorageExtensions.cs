using BoxOffice.Server.Storage.Postgres;
using Npgsql;

namespace BoxOffice.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultConnectionString = "Data Source=data/boxoffice.db";

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        if (IsPostgres(builder.Configuration))
        {
            // The connection string is read when the data source is first resolved, so test hosts can still override it.
            builder.Services.AddSingleton(services => PostgresBookingStore.CreateDataSource(
                services.GetRequiredService<IConfiguration>().GetConnectionString("BoxOffice") ?? ""));
            builder.Services.AddSingleton<IBookingStore>(services => new PostgresBookingStore(
                services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>()));
            return builder;
        }

        // Configuration is read when the store is first resolved, so test hosts can still override it.
        builder.Services.AddSingleton<IBookingStore>(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var provider = configuration["Storage:Provider"] ?? "Sqlite";
            if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Storage:Provider '{provider}' is not supported; use Sqlite or Postgres.");
            var connectionString = configuration.GetConnectionString("BoxOffice") ?? DefaultConnectionString;
            return new SqliteBookingStore(connectionString, services.GetRequiredService<TimeProvider>());
        });
        return builder;
    }

    /// <summary>Whether <c>Storage:Provider</c> selects PostgreSQL; features that exist only on SQLite ask this.</summary>
    public static bool IsPostgres(IConfiguration configuration) =>
        string.Equals(configuration["Storage:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Applies pending migrations before the server takes its first request.</summary>
    public static async Task MigrateStorageAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<IBookingStore>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
