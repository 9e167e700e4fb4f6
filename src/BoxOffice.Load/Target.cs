using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BoxOffice.Contracts;

namespace BoxOffice.Load;

/// <summary>
/// The server(s) under test. Requests go round-robin over every <c>--url</c>, so one nginx address and
/// three process addresses are used the same way. Admin calls carry the admin token.
/// </summary>
public sealed class Target : IDisposable
{
    private readonly HttpClient[] _clients;
    private int _next = -1;

    public Target(IReadOnlyList<Uri> urls, string? adminToken, int connections)
    {
        Urls = urls;
        AdminToken = adminToken;
        _clients = urls.Select(url => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(connections, 1),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        }).ToArray();
    }

    public IReadOnlyList<Uri> Urls { get; }

    public string? AdminToken { get; }

    /// <summary>The next client in round-robin order.</summary>
    public HttpClient Client => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];

    public async Task CreateEventAsync(string id, object layout, CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? prices = null)
    {
        using var request = AdminRequest(HttpMethod.Post, "/api/events");
        request.Content = JsonContent.Create(new { id, title = $"Load test {id}", layout, prices });
        using var response = await _clients[0].SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new InvalidOperationException("The server refused the admin token: pass --admin-token or set BOXOFFICE_ADMIN_TOKEN.");
        response.EnsureSuccessStatusCode();
    }

    public async Task<EventAudit> AuditAsync(string eventId, CancellationToken cancellationToken)
    {
        using var request = AdminRequest(HttpMethod.Get, $"/api/events/{eventId}/audit");
        using var response = await _clients[0].SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EventAudit>(cancellationToken))!;
    }

    /// <summary>A race-lab event (the server needs <c>Lab:Enabled=true</c>); returns its id.</summary>
    public async Task<string> CreateLabEventAsync(int seats, CancellationToken cancellationToken)
    {
        using var request = AdminRequest(HttpMethod.Post, "/api/lab/events");
        request.Content = JsonContent.Create(new { seats });
        using var response = await _clients[0].SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new InvalidOperationException("The server has no race lab: start it with --Lab:Enabled=true.");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<LabResult>(cancellationToken))!.EventId;
    }

    public async Task<LabResult> LabResultAsync(string eventId, CancellationToken cancellationToken)
    {
        using var request = AdminRequest(HttpMethod.Get, $"/api/lab/events/{eventId}");
        using var response = await _clients[0].SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<LabResult>(cancellationToken))!;
    }

    /// <summary>A stadium-shaped event with rows of 25, as many rows as the seat count needs.</summary>
    public static object Grid(int seats) =>
        new { template = "stadium", sections = 1, rows = (seats + 24) / 25, seatsPerRow = Math.Min(seats, 25) };

    public static string NewEventId(string scenario) => $"{scenario}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..(scenario.Length + 16)];

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
    }

    private HttpRequestMessage AdminRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (AdminToken is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return request;
    }
}
