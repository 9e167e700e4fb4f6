using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>Three real server processes on one PostgreSQL database of their own, as <c>scripts/cluster.sh</c> runs them.</summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    public const string AdminToken = "cluster-admin-token-of-32-characters";

    public PostgresDatabase Database { get; private set; } = null!;

    public IReadOnlyList<ServerProcess> Servers { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Database = await PostgresDatabase.CreateAsync("cluster");
        // Started together on purpose: their migrations meet on the advisory lock.
        var starting = Enumerable.Range(0, 3).Select(_ => ServerProcess.StartOnPostgresAsync(Database.ConnectionString, AdminToken)).ToArray();
        try
        {
            Servers = await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(task => task.IsCompletedSuccessfully))
                await started.Result.DisposeAsync();
            await Database.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(int server) => Servers[server].CreateClient();

    public async Task<string> CreateEventAsync(object layout)
    {
        var id = $"ev-{Guid.NewGuid():N}"[..20];
        using var admin = CreateClient(0);
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        (await admin.PostAsJsonAsync("/api/events", new { id, title = $"Event {id}", layout })).EnsureSuccessStatusCode();
        return id;
    }

    public async Task<EventAudit> AuditAsync(int server, string eventId)
    {
        using var admin = CreateClient(server);
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        return (await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit"))!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
            await server.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public class ClusterTests(PostgresCluster cluster, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    private static object BestOne(int buyer) => new { count = 1, names = new[] { $"Buyer {buyer}" } };

    [Fact]
    public async Task Twelve_hundred_buyers_round_robin_across_three_processes_sell_a_thousand_seats_once()
    {
        var eventId = await cluster.CreateEventAsync(new { template = "stadium", sections = 1, rows = 40, seatsPerRow = 25 });
        var clients = Enumerable.Range(0, 3).Select(cluster.CreateClient).ToArray();

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i =>
            clients[i % 3].PostAsJsonAsync($"/api/events/{eventId}/bookings", BestOne(i))));
        output.WriteLine($"1,200 best-available bookings across three processes in {clock.ElapsedMilliseconds} ms");

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var booked = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(BoxOfficeApp.ReadBooking));
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        for (var server = 0; server < 3; server++)
            Assert.Contains(responses.Where((_, i) => i % 3 == server), r => r.StatusCode == HttpStatusCode.Created);
        var audit = await cluster.AuditAsync(1, eventId);
        Assert.Empty(audit.Anomalies);
        Assert.Equal((1000, 0), (audit.Counts["booked"], audit.Counts["available"]));
        Assert.Equal(0L, await cluster.Database.ScalarAsync(
            $"SELECT COUNT(*) FROM (SELECT seat FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL GROUP BY seat HAVING COUNT(*) > 1) doubles"));
        foreach (var client in clients)
            client.Dispose();
    }

    [Fact]
    public async Task A_subscriber_on_process_C_gets_every_booking_made_through_process_A_with_versions_in_order()
    {
        var eventId = await cluster.CreateEventAsync(new { template = "cinema", rows = 12, seatsPerRow = 16 });
        using var socket = new ClientWebSocket();
        var live = new UriBuilder(cluster.Servers[2].Address) { Scheme = "ws", Path = $"/api/events/{eventId}/live" }.Uri;
        await socket.ConnectAsync(live, CancellationToken.None);
        var snapshot = (await socket.ReceiveJsonAsync()).Deserialize<LiveSnapshot>(JsonSerializerOptions.Web)!;
        using var a = cluster.CreateClient(0);

        var labels = Enumerable.Range(0, 40).Select(i => $"{(char)('A' + i / 16)}{(i % 16) + 1}").ToArray();
        var sent = Stopwatch.StartNew();
        var responses = await Task.WhenAll(labels.Select(label => a.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats((label, "Ada")))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var (statuses, version) = await socket.ReadUntilBookedAsync(snapshot.Version, labels.Length);
        var seen = statuses.Where(pair => pair.Value == "booked").Select(pair => pair.Key).ToHashSet();
        output.WriteLine($"process C showed all 40 bookings {sent.ElapsedMilliseconds} ms after the first was sent to A");
        Assert.Equal(labels.Order(), seen.Order());
        using var c = cluster.CreateClient(2);
        Assert.Equal(version, (await c.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}"))!.Version);
    }

    [Fact]
    public async Task Killing_the_process_that_hosts_an_event_mid_burst_loses_no_acknowledged_booking_and_the_event_moves_within_ten_seconds()
    {
        await using var own = new PostgresCluster();
        await own.InitializeAsync();
        var eventId = await own.CreateEventAsync(new { template = "stadium", sections = 1, rows = 40, seatsPerRow = 50 });
        var clients = Enumerable.Range(0, 3).Select(own.CreateClient).ToArray();
        // The desk is placed on the process that first asks for it: process B hosts this event.
        Assert.Equal(HttpStatusCode.Created, (await clients[1].PostAsJsonAsync($"/api/events/{eventId}/bookings", BestOne(-1))).StatusCode);
        var acknowledged = new ConcurrentBag<BookingResponse>();
        var answers = new ConcurrentBag<HttpStatusCode>();
        var next = -1;
        long killedAt = 0, firstAfterKill = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // 48 buyers, each bound to one process, book best-available seats until 900 are sold or their process dies;
        // while the event moves, they are told 503 and come back.
        var buyers = Enumerable.Range(0, 48).Select(worker => Task.Run(async () =>
        {
            var client = clients[worker % 3];
            while (acknowledged.Count < 900 && !stop.IsCancellationRequested)
            {
                try
                {
                    // Only a request sent after the kill shows the event served again: one sent before may be answered by B.
                    var sentAfterKill = Volatile.Read(ref killedAt) != 0;
                    var response = await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BestOne(Interlocked.Increment(ref next)), stop.Token);
                    answers.Add(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<BookingResponse>())!);
                        if (sentAfterKill)
                            Interlocked.CompareExchange(ref firstAfterKill, Stopwatch.GetTimestamp(), 0);
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.NotNull(response.Headers.RetryAfter);
                        await Task.Delay(100, stop.Token);
                    }
                }
                catch (HttpRequestException) when (worker % 3 == 1)
                {
                    return;
                }
            }
        })).ToArray();
        while (acknowledged.Count < 300 && !buyers.All(b => b.IsCompleted))
            await Task.Delay(1);
        var beforeKill = acknowledged.Count;
        await own.Servers[1].KillAsync();
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        await Task.WhenAll(buyers);
        var moved = Stopwatch.GetElapsedTime(killedAt, firstAfterKill);
        output.WriteLine($"{beforeKill} acknowledged before the kill, {acknowledged.Count} in all; first booking on a survivor {moved.TotalMilliseconds:F0} ms after the kill; {answers.Count(a => a == HttpStatusCode.ServiceUnavailable)} answers were 503");

        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.ServiceUnavailable }));
        Assert.True(acknowledged.Count >= 900, $"only {acknowledged.Count} bookings after the kill");
        Assert.InRange(moved, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        var stored = new Dictionary<string, string>();
        await using (var connection = await own.Database.OpenAsync())
        await using (var command = new Npgsql.NpgsqlCommand($"SELECT reference, seat FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                stored[reader.GetString(0)] = reader.GetString(1);
        }
        Assert.All(acknowledged, booking => Assert.Equal(booking.Seats[0].Seat, stored.GetValueOrDefault(booking.Reference)));
        Assert.Empty((await own.AuditAsync(0, eventId)).Anomalies);
        foreach (var survivor in new[] { 0, 2 })
            Assert.Equal(HttpStatusCode.Created, (await clients[survivor].PostAsJsonAsync($"/api/events/{eventId}/bookings", BestOne(-1))).StatusCode);
        foreach (var client in clients)
            client.Dispose();
    }
}
