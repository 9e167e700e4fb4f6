using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
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

    /// <summary>Creates an event, unlisted: load tests make thousands, and the public list is for real ones.</summary>
    public async Task CreateEventAsync(string id, object layout, CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? prices = null)
    {
        using var request = AdminRequest(HttpMethod.Post, "/api/events");
        request.Content = JsonContent.Create(new { id, title = $"Load test {id}", layout, prices, listed = false });
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

    /// <summary>
    /// <c>GET /metrics</c> of every server, summed by name, so several processes read as their total
    /// (memory, active desks). Sent as admin, since /metrics is meant for operators.
    /// </summary>
    public async Task<ServerMetrics> MetricsAsync(CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var client in _clients)
        {
            using var request = AdminRequest(HttpMethod.Get, "/metrics");
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            foreach (var line in (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n'))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && !line.StartsWith('#') && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
                    totals[parts[0]] = totals.GetValueOrDefault(parts[0]) + value;
            }
        }
        return new ServerMetrics(totals);
    }

    /// <summary>
    /// Starts a race-lab run (the server needs <c>Lab:Enabled=true</c>) and follows its server-sent events until it is
    /// over; returns the run as it ended.
    /// </summary>
    public async Task<LabRun> RunLabAsync(int seats, int buyers, CancellationToken cancellationToken)
    {
        using var start = AdminRequest(HttpMethod.Post, "/api/lab/runs");
        start.Content = JsonContent.Create(new { seats, buyers });
        using var started = await _clients[0].SendAsync(start, cancellationToken);
        if (started.StatusCode == HttpStatusCode.NotFound)
            throw new InvalidOperationException("The server has no race lab: start it with --Lab:Enabled=true.");
        if (!started.IsSuccessStatusCode)
            throw new InvalidOperationException($"The lab run did not start ({(int)started.StatusCode}): {await started.Content.ReadAsStringAsync(cancellationToken)}");
        var run = (await started.Content.ReadFromJsonAsync<LabRun>(cancellationToken))!;

        using var follow = AdminRequest(HttpMethod.Get, $"/api/lab/runs/{run.Id}/progress");
        using var progress = await _clients[0].SendAsync(follow, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        progress.EnsureSuccessStatusCode();
        await using var stream = await progress.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<LabRun>(data, JsonSerializerOptions.Web)!).EnumerateAsync(cancellationToken))
            run = item.Data;
        return run;
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

/// <summary>What <c>GET /metrics</c> said, with the few values the scenarios report by name.</summary>
public sealed record ServerMetrics(IReadOnlyDictionary<string, double> Values)
{
    public double WorkingSetMegabytes => Math.Round(Values.GetValueOrDefault("process_working_set_bytes") / 1024 / 1024, 1);

    public double GcHeapMegabytes => Math.Round(Values.GetValueOrDefault("process_gc_heap_bytes") / 1024 / 1024, 1);

    public int ActiveDesks => (int)Values.GetValueOrDefault("boxoffice_desks_active");
}
