using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// The real server in memory, on a database of its own that goes with it: a SQLite file, or a PostgreSQL
/// database made when the fixture starts (<see cref="InitializeAsync"/>).
/// </summary>
public class BoxOfficeApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminToken = "integration-admin-token-32-characters";

    private ITestDatabase? _database;

    public BoxOfficeApp()
        : this(TestStore.Sqlite)
    {
    }

    protected BoxOfficeApp(TestStore store)
    {
        if (store == TestStore.Sqlite)
            _database = new SqliteDatabase();
    }

    public ITestDatabase Database => _database ?? throw new InvalidOperationException("A PostgreSQL app makes its database in InitializeAsync, as a test fixture.");

    public async ValueTask InitializeAsync() => _database ??= await PostgresDatabase.CreateAsync("app");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Database.ServerSettings)
            builder.UseSetting(key, value);
        builder.UseSetting("Admin:Token", AdminToken);
        // Every request of a test host comes from one client; tests of the limits switch them back on.
        builder.UseSetting("Limits:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>A client of this server whose staff calls carry <paramref name="adminToken"/>: the server's own, another a test guesses, or none (null).</summary>
    public BoxOfficeClient CreateApiClient(string? adminToken = AdminToken) => new(CreateClient(), adminToken);

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        return client;
    }

    public const string StaffPassword = "correct horse battery staple";

    /// <summary>A browser-like client signed in to a new account of the role, sending the session's anti-forgery token.</summary>
    public async Task<HttpClient> CreateStaffClientAsync(string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        using (var admin = CreateAdminClient())
            (await admin.PostAsJsonAsync("/api/staff/accounts", new { email, password = StaffPassword, role })).EnsureSuccessStatusCode();
        var client = CreateClient();
        var session = await SignInAsync(client, email, StaffPassword);
        Assert.Equal(System.Net.HttpStatusCode.OK, session.StatusCode);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", (await session.Content.ReadFromJsonAsync<StaffSession>())!.CsrfToken);
        return client;
    }

    /// <summary>Signs in as the console does: a session read for the anti-forgery token, then the sign-in with it.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var session = (await client.GetFromJsonAsync<StaffSession>("/api/staff/session"))!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/staff/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-CSRF-TOKEN", session.CsrfToken);
        return await client.SendAsync(request);
    }

    /// <summary>Creates an event, paid at <paramref name="price"/> a seat if given, and returns its id.</summary>
    public async Task<string> CreateEventAsync(JsonElement layout, long? price = null, string? id = null)
    {
        using var api = CreateApiClient();
        return await api.NewEventAsync(layout, price, id);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Live feeds of an in-memory server, which takes WebSockets through its own client rather than the network.</summary>
public static class InMemoryFeeds
{
    /// <summary>A subscriber of the event's live feed.</summary>
    public static Task<LiveFeed> WatchEventAsync(this WebApplicationFactory<Program> host, string eventId) =>
        WatchAsync(host, LiveFeed.EventAddress(host.Server.BaseAddress, eventId));

    /// <summary>A subscriber of the tutorial's socket for the flight.</summary>
    public static Task<LiveFeed> WatchFlightAsync(this WebApplicationFactory<Program> host, string flightId) =>
        WatchAsync(host, LiveFeed.FlightAddress(host.Server.BaseAddress, flightId));

    private static async Task<LiveFeed> WatchAsync(WebApplicationFactory<Program> host, Uri address) =>
        new(await host.Server.CreateWebSocketClient().ConnectAsync(address, CancellationToken.None));
}

/// <summary>The same server on PostgreSQL.</summary>
public sealed class PostgresBoxOfficeApp() : BoxOfficeApp(TestStore.Postgres);
