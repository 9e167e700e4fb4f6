using System.Net.Http.Headers;
using System.Net.Http.Json;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace BoxOffice.IntegrationTests;

/// <summary>The real server in memory, on its own SQLite file that it deletes afterwards.</summary>
public class BoxOfficeApp : WebApplicationFactory<Program>
{
    public const string AdminToken = "integration-admin-token-32-characters";

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"boxoffice-it-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:BoxOffice", $"Data Source={DatabasePath}");
        builder.UseSetting("Admin:Token", AdminToken);
        // Every request of a test host comes from one client; tests of the limits switch them back on.
        builder.UseSetting("Limits:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
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

    public async Task<string> CreateEventAsync(object layout, string? id = null)
    {
        id ??= $"ev-{Guid.NewGuid():N}"[..20];
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new { id, title = $"Event {id}", layout });
        response.EnsureSuccessStatusCode();
        return id;
    }

    public async Task<string> CreatePaidEventAsync(int rows = 2, int seatsPerRow = 10)
    {
        var id = $"paid-{Guid.NewGuid():N}"[..20];
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new
        {
            id,
            title = "Paid show",
            layout = new { template = "cinema", rows, seatsPerRow },
            prices = new Dictionary<string, long> { ["standard"] = 1500 },
        });
        response.EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>A read-only connection to the server's database, for checking what was really committed.</summary>
    public SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(DatabasePath + suffix);
        GC.SuppressFinalize(this);
    }

    public static object Seats(params (string Seat, string Name)[] seats) =>
        new { seats = seats.Select(s => new { seat = s.Seat, name = s.Name }).ToArray() };

    public static async Task<BookingResponse> ReadBooking(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingResponse>())!;
    }
}
