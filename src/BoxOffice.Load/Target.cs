using System.Net;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load;

/// <summary>
/// The server(s) under test. Requests go round-robin over every <c>--url</c>, so one nginx address and
/// three process addresses are used the same way. Events are created and audited through the first.
/// </summary>
public sealed class Target : IDisposable
{
    private readonly BoxOfficeClient[] _clients;
    private int _next = -1;

    public Target(IReadOnlyList<Uri> urls, string? adminToken, int connections)
    {
        Urls = urls;
        AdminToken = adminToken;
        _clients = urls.Select(url => new BoxOfficeClient(
            new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(connections, 1),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            })
            {
                BaseAddress = url,
                Timeout = TimeSpan.FromSeconds(60),
            },
            adminToken)).ToArray();
    }

    public IReadOnlyList<Uri> Urls { get; }

    public string? AdminToken { get; }

    /// <summary>The next client in round-robin order.</summary>
    public BoxOfficeClient Client => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];

    /// <summary>The first server's client: staff calls go there.</summary>
    public BoxOfficeClient First => _clients[0];

    /// <summary>Creates an event, unlisted: load tests make thousands, and the public list is for real ones.</summary>
    public async Task CreateEventAsync(string id, JsonElement layout, CancellationToken cancellationToken, Dictionary<string, long>? prices = null)
    {
        var created = await First.CreateEventAsync(
            new CreateEventRequest(id, $"Load test {id}", layout, prices, null, Listed: false), cancellationToken);
        if (created.Status == HttpStatusCode.Unauthorized)
            throw new InvalidOperationException("The server refused the admin token: pass --admin-token or set BOXOFFICE_ADMIN_TOKEN.");
        created.EnsureSuccess();
    }

    public async Task<EventAudit> AuditAsync(string eventId, CancellationToken cancellationToken) =>
        (await First.AuditAsync(eventId, cancellationToken)).EnsureSuccess().Value;

    /// <summary><c>GET /metrics</c> of every server, summed by name, so several processes read as their total (memory, active desks).</summary>
    public async Task<ServerMetrics> MetricsAsync(CancellationToken cancellationToken)
    {
        var servers = new List<ServerMetrics>(_clients.Length);
        foreach (var client in _clients)
            servers.Add((await client.GetMetricsAsync(cancellationToken)).EnsureSuccess().Value);
        return ServerMetrics.Sum(servers);
    }

    /// <summary>
    /// Starts a race-lab run (the server needs <c>Lab:Enabled=true</c>) and follows its server-sent events until it is
    /// over; returns the run as it ended.
    /// </summary>
    public async Task<LabRun> RunLabAsync(int seats, int buyers, CancellationToken cancellationToken)
    {
        var started = await First.StartLabRunAsync(new StartLabRunRequest(seats, buyers), cancellationToken);
        if (started.Status == HttpStatusCode.NotFound)
            throw new InvalidOperationException("The server has no race lab: start it with --Lab:Enabled=true.");
        if (!started.IsSuccess)
            throw new InvalidOperationException($"The lab run did not start ({(int)started.Status}): {started.Text}");
        return await First.FollowLabRunAsync(started.Value.Id, cancellationToken);
    }

    /// <summary>A stadium-shaped event with rows of 25, as many rows as the seat count needs.</summary>
    public static JsonElement Grid(int seats) => Layouts.Stadium(1, (seats + 24) / 25, Math.Min(seats, 25));

    public static string NewEventId(string scenario) => $"{scenario}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..(scenario.Length + 16)];

    public void Dispose()
    {
        foreach (var client in _clients)
            client.Dispose();
    }
}
