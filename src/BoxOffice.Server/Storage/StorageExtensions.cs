using BoxOffice.Server.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BoxOffice.Server.Storage;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        // Bound when first resolved, so test hosts can still override the connection string.
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString("BoxOffice")
                    ?? (options.IsPostgres ? "" : StorageOptions.DefaultSqliteConnectionString))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        if (builder.Configuration.Read<StorageOptions>(StorageOptions.Section).IsPostgres)
        {
            builder.Services.AddSingleton(services => PostgresBookingStore.CreateDataSource(Options(services).ConnectionString));
            builder.Services.AddSingleton<IBookingStore>(services => new PostgresBookingStore(
                services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>()));
            return builder;
        }
        builder.Services.AddSingleton<IBookingStore>(services =>
            new SqliteBookingStore(Options(services).ConnectionString, services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Applies pending migrations before the server takes its first request.</summary>
    public static async Task MigrateStorageAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<IBookingStore>().MigrateAsync(app.Lifetime.ApplicationStopping);

    private static StorageOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<StorageOptions>>().Value;
}
