using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using static BoxOffice.IntegrationTests.TestEvents;

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

    /// <summary>A client of one process; staff routes get the cluster's admin token.</summary>
    public BoxOfficeClient CreateClient(int server) => new(Servers[server].CreateClient(), AdminToken);

    public async Task<string> CreateEventAsync(JsonElement layout)
    {
        using var admin = CreateClient(0);
        return await admin.NewEventAsync(layout);
    }

    public async Task<EventAudit> AuditAsync(int server, string eventId)
    {
        using var admin = CreateClient(server);
        return (await admin.AuditAsync(eventId)).EnsureSuccess().Value;
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
    private static BookingRequest BestOne(int buyer) => Best($"Buyer {buyer}");

    [Fact]
    public async Task Twelve_hundred_buyers_round_robin_across_three_processes_sell_a_thousand_seats_once()
    {
        var eventId = await cluster.CreateEventAsync(Layouts.Stadium(1, 40, 25));
        var clients = Enumerable.Range(0, 3).Select(cluster.CreateClient).ToArray();

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i => clients[i % 3].BookAsync(eventId, BestOne(i))));
        output.WriteLine($"1,200 best-available bookings across three processes in {clock.ElapsedMilliseconds} ms");

        Assert.All(responses, r => Assert.Contains(r.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var booked = responses.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Value).ToArray();
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        for (var server = 0; server < 3; server++)
            Assert.Contains(responses.Where((_, i) => i % 3 == server), r => r.Status == HttpStatusCode.Created);
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
        var eventId = await cluster.CreateEventAsync(Layouts.Cinema(12, 16));
        using var feed = await LiveFeed.ConnectAsync(LiveFeed.EventAddress(cluster.Servers[2].Address, eventId), CancellationToken.None);
        await feed.NextSnapshotAsync();
        using var a = cluster.CreateClient(0);

        var labels = Enumerable.Range(0, 40).Select(i => $"{(char)('A' + i / 16)}{(i % 16) + 1}").ToArray();
        var sent = Stopwatch.StartNew();
        var responses = await Task.WhenAll(labels.Select(label => a.BookAsync(eventId, Seats((label, "Ada")))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));

        var (statuses, version) = await feed.ReadUntilBookedAsync(labels.Length);
        var seen = statuses.Where(pair => pair.Value == "booked").Select(pair => pair.Key).ToHashSet();
        output.WriteLine($"process C showed all 40 bookings {sent.ElapsedMilliseconds} ms after the first was sent to A");
        Assert.Equal(labels.Order(), seen.Order());
        using var c = cluster.CreateClient(2);
        Assert.Equal(version, (await c.GetSeatMapAsync(eventId)).Value.Version);
    }

    [Fact]
    public async Task Killing_the_process_that_hosts_an_event_mid_burst_loses_no_acknowledged_booking_and_the_event_moves_within_ten_seconds()
    {
        await using var own = new PostgresCluster();
        await own.InitializeAsync();
        var eventId = await own.CreateEventAsync(Layouts.Stadium(1, 40, 50));
        var clients = Enumerable.Range(0, 3).Select(own.CreateClient).ToArray();
        // The desk is placed on the process that first asks for it: process B hosts this event.
        Assert.Equal(HttpStatusCode.Created, (await clients[1].BookAsync(eventId, BestOne(-1))).Status);
        var acknowledged = new ConcurrentBag<BookingResponse>();
        var answers = new ConcurrentBag<HttpStatusCode>();
        var next = -1;
        long killedAt = 0, firstAfterKill = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var thirdAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

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
                    var response = await client.BookAsync(eventId, BestOne(Interlocked.Increment(ref next)), stop.Token);
                    answers.Add(response.Status);
                    if (response.Status == HttpStatusCode.Created)
                    {
                        acknowledged.Add(response.Value);
                        if (acknowledged.Count >= 300)
                            thirdAcknowledged.TrySetResult();
                        if (sentAfterKill)
                            Interlocked.CompareExchange(ref firstAfterKill, Stopwatch.GetTimestamp(), 0);
                    }
                    else if (response.Status == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.NotNull(response.RetryAfter);
                        await Task.Delay(100, stop.Token);
                    }
                }
                catch (HttpRequestException) when (worker % 3 == 1)
                {
                    return;
                }
            }
        })).ToArray();
        await Task.WhenAny(thirdAcknowledged.Task, Task.WhenAll(buyers));
        var beforeKill = acknowledged.Count;
        await own.Servers[1].KillAsync();
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        await Task.WhenAll(buyers);
        var moved = Stopwatch.GetElapsedTime(killedAt, firstAfterKill);
        output.WriteLine($"{beforeKill} acknowledged before the kill, {acknowledged.Count} in all; first booking on a survivor {moved.TotalMilliseconds:F0} ms after the kill; {answers.Count(a => a == HttpStatusCode.ServiceUnavailable)} answers were 503");

        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.ServiceUnavailable }));
        Assert.True(acknowledged.Count >= 900, $"only {acknowledged.Count} bookings after the kill");
        Assert.InRange(moved, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        var stored = (await own.Database.RowsAsync($"SELECT reference, seat FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL"))
            .ToDictionary(row => (string)row[0], row => (string)row[1]);
        Assert.All(acknowledged, booking => Assert.Equal(booking.Seats[0].Seat, stored.GetValueOrDefault(booking.Reference)));
        Assert.Empty((await own.AuditAsync(0, eventId)).Anomalies);
        foreach (var survivor in new[] { 0, 2 })
            Assert.Equal(HttpStatusCode.Created, (await clients[survivor].BookAsync(eventId, BestOne(-1))).Status);
        foreach (var client in clients)
            client.Dispose();
    }
}
