using Microsoft.AspNetCore.Hosting;

namespace BoxOffice.IntegrationTests;

/// <summary>The real server in memory on PostgreSQL, on a database of its own that it drops afterwards.</summary>
public sealed class PostgresBoxOfficeApp : BoxOfficeApp, IAsyncLifetime
{
    public PostgresDatabase Database { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Database = await PostgresDatabase.CreateAsync("app");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Storage:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:BoxOffice", Database.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}
