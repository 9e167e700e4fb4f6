namespace BoxOffice.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultConnectionString = "Data Source=data/boxoffice.db";

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        // Configuration is read when the store is first resolved, so test hosts can still override it.
        builder.Services.AddSingleton<IBookingStore>(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var provider = configuration["Storage:Provider"] ?? "Sqlite";
            if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Storage:Provider '{provider}' is not supported; use Sqlite.");
            var connectionString = configuration.GetConnectionString("BoxOffice") ?? DefaultConnectionString;
            return new SqliteBookingStore(connectionString, services.GetRequiredService<TimeProvider>());
        });
        return builder;
    }

    /// <summary>Applies pending migrations before the server takes its first request.</summary>
    public static async Task MigrateStorageAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<IBookingStore>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
