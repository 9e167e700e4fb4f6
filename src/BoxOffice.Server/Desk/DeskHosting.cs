using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using BoxOffice.Server.Live;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoxOffice.Server.Desk;

public static class DeskHosting
{
    /// <summary>
    /// Hosts the desks in an Orleans silo inside this process. On SQLite the silo is a cluster of one with
    /// in-memory membership; on PostgreSQL the processes that share the database find each other through its
    /// membership tables and form one cluster, in which every event's desk is active on exactly one process.
    /// </summary>
    public static IHostApplicationBuilder AddDesks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeskOptions>().BindConfiguration(DeskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ClusteringOptions>().BindConfiguration(ClusteringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var desks = builder.Configuration.Read<DeskOptions>(DeskOptions.Section);
        var cluster = builder.Configuration.Read<ClusteringOptions>(ClusteringOptions.Section);
        var onPostgres = cluster.Membership switch
        {
            ClusterMembership.Postgres => true,
            ClusterMembership.Localhost => false,
            _ => builder.Configuration.Read<StorageOptions>(StorageOptions.Section).IsPostgres,
        };

        builder.UseOrleans(silo =>
        {
            var address = IPAddress.Parse(cluster.AdvertisedAddress);
            // Port 0 picks a free port now, so that any number of servers share a host without configuration.
            var siloPort = cluster.SiloPort == 0 ? FreePort(address) : cluster.SiloPort;
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = ClusteringOptions.ServiceId;
            });
            if (onPostgres)
            {
                // Orleans reads its membership queries from our own migration's orleansquery table.
                silo.UseAdoNetClustering(options => options.Invariant = "Npgsql");
                silo.Services.AddOptions<AdoNetClusteringSiloOptions>()
                    .Configure<IOptions<StorageOptions>>((options, storage) => options.ConnectionString = storage.Value.ConnectionString);
                silo.ConfigureEndpoints(address, siloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, cluster.GatewayPort, serviceId: ClusteringOptions.ServiceId, clusterId: cluster.ClusterId);
            }

            var idle = TimeSpan.FromSeconds(desks.IdleSeconds);
            silo.Configure<GrainCollectionOptions>(options =>
            {
                options.CollectionAge = idle;
                options.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(desks.IdleSeconds / 4.0, 1, 60));
            });
            // A dead process is found by probes: with a probe every FailoverSeconds/5 and three misses allowed, its
            // events move within the bound (Orleans' defaults take about a minute). Three, not two: on a busy host
            // a live process misses a 2 s ping now and then, and a process declared dead stops for good.
            var probe = TimeSpan.FromSeconds(cluster.FailoverSeconds / 5.0);
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = probe;
                options.NumMissedProbesLimit = 3;
                // A process that finds itself slow (its own timers late) gives others more time before it suspects them.
                options.ExtendProbeTimeoutDuringDegradation = true;
                options.TableRefreshTimeout = probe * 2;
                options.IAmAliveTablePublishTimeout = probe * 5;
            });
            silo.Configure<SiloMessagingOptions>(options =>
            {
                options.ResponseTimeout = TimeSpan.FromSeconds(cluster.CallTimeoutSeconds);
                options.SystemResponseTimeout = TimeSpan.FromSeconds(cluster.CallTimeoutSeconds);
            });
        });

        // Kestrel and the workers start while the silo starts, rather than after it: a restarted process then has
        // its HTTP pipeline warm by the time the desks can answer. Until then /health says so, and desk calls wait.
        builder.Services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
        builder.Services.AddSingleton<DesksReady>();
        builder.Services.AddHealthChecks().AddCheck<DesksReady>("desks");
        builder.Services.AddSingleton<LocalDesks>();
        builder.Services.AddSingleton<EventDesks>();
        builder.Services.AddSingleton<EventWatches>();
        return builder;
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768 and up on Linux). Ports from that range are what
    /// other programs, test harnesses among them, take as "free" a moment before they bind; a silo port drawn
    /// from it raced them, and a server failed to bind its HTTP address. Drawn at random, so servers started
    /// together rarely try the same one; the port is checked free, and Orleans binds it soon after.
    /// </summary>
    private static int FreePort(IPAddress address)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: draw again.
            }
        }
        throw new InvalidOperationException("No free silo port between 20000 and 32000; set Cluster:SiloPort.");
    }
}

/// <summary>Whether this process's silo has started, so that desks can be called.</summary>
public sealed class DesksReady : IHealthCheck
{
    /// <summary>A silo that has not started by then will not: a caller is told to try again.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Every hosted service, the silo among them, has started when the application has.
    public DesksReady(IHostApplicationLifetime lifetime) => lifetime.ApplicationStarted.Register(() => _started.TrySetResult());

    public Task Ready => _started.Task;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Ready.IsCompleted ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The desks are starting."));
}

public sealed class DeskOptions
{
    public const string Section = "Desks";

    /// <summary>A desk nobody has called for this long is deactivated by Orleans and its memory freed.</summary>
    [Range(1, 86_400)]
    public int IdleSeconds { get; set; } = 300;
}

public enum ClusterMembership
{
    /// <summary>PostgreSQL membership when the store is PostgreSQL, otherwise a cluster of one.</summary>
    Auto,
    Localhost,
    Postgres,
}

/// <summary>The <c>Cluster</c> section: how this process joins the others.</summary>
public sealed class ClusteringOptions
{
    public const string Section = "Cluster";
    public const string ServiceId = "boxoffice";

    public ClusterMembership Membership { get; set; }

    /// <summary>Processes with the same database and cluster id form one cluster.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string ClusterId { get; set; } = "boxoffice";

    /// <summary>The address other processes reach this one at.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port; 0 picks a free one at start.</summary>
    [Range(0, 65_535)]
    public int SiloPort { get; set; }

    /// <summary>Port for external Orleans clients; 0, the default, opens none (the HTTP API is the way in).</summary>
    [Range(0, 65_535)]
    public int GatewayPort { get; set; }

    /// <summary>How long a dead process's events may take to move to the survivors.</summary>
    [Range(5, 600)]
    public int FailoverSeconds { get; set; } = 10;

    /// <summary>A call to a desk that takes longer is answered 503 rather than left hanging (Orleans' own default).</summary>
    [Range(1, 600)]
    public int CallTimeoutSeconds { get; set; } = 30;
}
