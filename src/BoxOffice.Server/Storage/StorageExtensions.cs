namespace BoxOffice.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultConnectionString = "Data Source=data/boxoffice.db";

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        var provider = builder.Configuration["Storage:Provider"] ?? "Sqlite";
        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Storage:Provider '{provider}' is not supported; use Sqlite.");
        var connectionString = builder.Configuration.GetConnectionString("BoxOffice") ?? DefaultConnectionString;
        builder.Services.AddSingleton<IBookingStore>(services => new SqliteBookingStore(connectionString, services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Applies pending migrations before the server takes its first request.</summary>
    public static async Task MigrateStorageAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<IBookingStore>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
