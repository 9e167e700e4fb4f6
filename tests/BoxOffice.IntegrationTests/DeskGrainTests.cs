using BoxOffice.Server;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// Two silos in this process (Orleans' test cluster) over one SQLite store: the desk grain's own guarantees,
/// without HTTP. Desks idle for 2 s are collected, and a killed silo is declared dead within seconds.
/// </summary>
public sealed class DeskGrainCluster : IAsyncLifetime
{
    // Silo configurators are made by the test cluster itself, so the store reaches them through a static.
    private static SqliteBookingStore? s_store;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"boxoffice-grains-{Guid.NewGuid():N}.db");

    public TestCluster Cluster { get; private set; } = null!;

    public EventCatalog Catalog { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        s_store = new SqliteBookingStore($"Data Source={_path}", TimeProvider.System);
        await s_store.MigrateAsync(CancellationToken.None);
        Catalog = new EventCatalog(s_store, TimeProvider.System);
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Silo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>The grain factory of one silo: a call through it starts where a request to that process would.</summary>
    public static IGrainFactory GrainsOf(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silos that host an activation of the event's desk.</summary>
    public async Task<SiloAddress[]> HostsOfAsync(string eventId)
    {
        var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. statistics.Where(s => s.GrainId.ToString() == $"eventdesk/{eventId}").Select(s => s.SiloAddress)];
    }

    public async Task<string> CreateEventAsync(int rows, int seatsPerRow)
    {
        var id = $"ev-{Guid.NewGuid():N}"[..20];
        var layoutJson = $$"""{"template":"cinema","rows":{{rows}},"seatsPerRow":{{seatsPerRow}}}""";
        var definition = new EventDefinition(id, id, EventCatalog.ParseLayout(id, layoutJson), new Dictionary<string, long> { ["standard"] = 0 }, "EUR");
        Assert.True(await Catalog.CreateAsync(definition, layoutJson, "test", CancellationToken.None));
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (s_store is not null)
            await s_store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
    }

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<IBookingStore>(s_store!);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddMetrics();
            silo.Services.AddSingleton<BoxOfficeMetrics>();
            silo.Services.AddSingleton<LocalDesks>();
            silo.Services.AddSingleton<DesksReady>();
            silo.Services.AddSingleton<EventDesks>();
            silo.Services.Configure<DeskOptions>(options => options.IdleSeconds = 2);
            silo.Configure<GrainCollectionOptions>(options =>
            {
                options.CollectionAge = TimeSpan.FromSeconds(2);
                options.CollectionQuantum = TimeSpan.FromSeconds(1);
            });
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
        }
    }
}

public class DeskGrainTests(DeskGrainCluster cluster) : IClassFixture<DeskGrainCluster>
{
    private static BookBestAvailable BestOne(int buyer) =>
        new([$"Buyer {buyer}"], Together: true, Category: null, ManageTokens.NewReference(), "hash", new Buyer($"client-{buyer}", null));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task Calls_from_both_silos_reach_one_activation_that_sells_every_seat_once()
    {
        var eventId = await cluster.CreateEventAsync(rows: 10, seatsPerRow: 10);
        var silos = new[] { DeskGrainCluster.GrainsOf(cluster.Cluster.Primary!), DeskGrainCluster.GrainsOf(cluster.Cluster.SecondarySilos[0]) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(i =>
            silos[i % 2].GetGrain<IEventDesk>(eventId).Send<BookResult>(BestOne(i))));

        Assert.All(answers, answer => Assert.Equal(DeskOutcome.Done, answer.Outcome));
        var seats = answers.Select(a => a.Result).OfType<BookResult.Booked>().Select(b => b.Seats[0].Seat).ToArray();
        Assert.Equal(100, seats.Length);
        Assert.Equal(100, seats.Distinct().Count());
        Assert.Equal(20, answers.Count(a => a.Result is BookResult.NotEnough));
        Assert.Single(await cluster.HostsOfAsync(eventId));
        Assert.Empty((await StoreAuditAsync(eventId))!.Anomalies);
    }

    [Fact]
    public async Task An_idle_desk_is_deactivated_and_comes_back_with_its_state()
    {
        var eventId = await cluster.CreateEventAsync(rows: 2, seatsPerRow: 4);
        var desk = cluster.Cluster.Client.GetGrain<IEventDesk>(eventId);
        var booked = Assert.IsType<BookResult.Booked>((await desk.Send<BookResult>(BookA1("Ada"))).Result);

        await EventuallyAsync(() => cluster.HostsOfAsync(eventId), hosts => hosts.Length == 0);

        Assert.IsType<BookResult.Unavailable>((await desk.Send<BookResult>(BookA1("Bob"))).Result);
        Assert.Equal("A1", booked.Seats[0].Seat);
    }

    [Fact]
    public async Task A_desk_used_only_through_its_process_shortcut_is_not_collected_as_idle()
    {
        var eventId = await cluster.CreateEventAsync(rows: 10, seatsPerRow: 10);
        var desks = ((InProcessSiloHandle)cluster.Cluster.Primary!).SiloHost.Services.GetRequiredService<EventDesks>();
        Assert.IsType<BookResult.Booked>(await desks.SendAsync(eventId, BestOne(0)));
        var local = ((InProcessSiloHandle)cluster.Cluster.Primary!).SiloHost.Services.GetRequiredService<LocalDesks>();
        Assert.True(local.TryFind(eventId, out var desk));

        // Four idle periods of bookings that never touch the grain: it stays, with the same desk.
        for (var i = 1; i <= 40; i++)
        {
            Assert.IsType<BookResult.Booked>(await desks.SendAsync(eventId, BestOne(i)));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(local.TryFind(eventId, out var still));
        Assert.Same(desk, still);
        Assert.Single(await cluster.HostsOfAsync(eventId));
    }

    [Fact]
    public async Task When_the_hosting_silo_dies_the_desk_reactivates_on_the_survivor_with_every_acknowledged_booking()
    {
        var eventId = await cluster.CreateEventAsync(rows: 20, seatsPerRow: 20);
        var doomed = await cluster.Cluster.StartAdditionalSiloAsync();
        var survivor = DeskGrainCluster.GrainsOf(cluster.Cluster.Primary!);
        // Placed where it is first called: on the silo about to die.
        var acknowledged = (await Task.WhenAll(Enumerable.Range(0, 50).Select(i => DeskGrainCluster.GrainsOf(doomed).GetGrain<IEventDesk>(eventId).Send<BookResult>(BestOne(i)))))
            .Select(a => a.Result).OfType<BookResult.Booked>().ToArray();
        Assert.Equal([doomed.SiloAddress], await cluster.HostsOfAsync(eventId));

        await cluster.Cluster.KillSiloAsync(doomed);

        var after = await EventuallyAsync<DeskAnswer<BookResult>?>(
            async () =>
            {
                try
                {
                    return await survivor.GetGrain<IEventDesk>(eventId).Send<BookResult>(BestOne(1000));
                }
                catch (Exception error) when (error is TimeoutException or OrleansException)
                {
                    return null;
                }
            },
            answer => answer is { Outcome: DeskOutcome.Done });
        Assert.IsType<BookResult.Booked>(after!.Result);
        Assert.DoesNotContain(doomed.SiloAddress, await cluster.HostsOfAsync(eventId));
        var audit = (await StoreAuditAsync(eventId))!;
        Assert.Empty(audit.Anomalies);
        Assert.Equal(acknowledged.Length + 1, audit.ClaimedByStatus["booked"]);
    }

    private static BookSeats BookA1(string name) => new([("A1", name)], ManageTokens.NewReference(), "hash", new Buyer(name, null));

    private Task<StoredAudit?> StoreAuditAsync(string eventId) =>
        ((InProcessSiloHandle)cluster.Cluster.Primary!).SiloHost.Services.GetRequiredService<IBookingStore>().AuditAsync(eventId, CancellationToken.None);
}
