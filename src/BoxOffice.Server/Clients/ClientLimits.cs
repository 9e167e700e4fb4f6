using System.Threading.RateLimiting;
using BoxOffice.Server.Desk;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Clients;

/// <summary>
/// Per-client rate limits, with ASP.NET Core's rate limiter: endpoint policies for writes, event
/// creation and WebSocket upgrades, and <see cref="ClientQuotas"/> for the limits code consumes itself.
/// </summary>
public static partial class ClientLimits
{
    public const string Writes = "writes";
    public const string EventCreation = "event-creation";
    public const string WebSocketUpgrades = "websocket-upgrades";

    public static WebApplicationBuilder AddClientLimits(this WebApplicationBuilder builder)
    {
        builder.AddClientAddress();
        builder.Services.AddOptions<LimitsOptions>()
            .BindConfiguration(LimitsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(limits => limits.RateLimits.All(rate => rate.Limit.IsValid), "Every Limits:<name>:Permits must be 1 to 1000000 and Limits:<name>:WindowSeconds 1 to 86400.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ClientQuotas>();
        builder.Services.AddRateLimiter(options =>
        {
            options.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                return new ValueTask(TooManyRequests(rejected.HttpContext.Response, retryAfter, "Too many requests from your address; wait and try again.")
                    .ExecuteAsync(rejected.HttpContext));
            };
            options.AddPolicy(Writes, context => Partition(context, limits => limits.Writes));
            options.AddPolicy(EventCreation, context => Partition(context, limits => limits.EventCreation));
            options.AddPolicy(WebSocketUpgrades, context => Partition(context, limits => limits.WebSocketUpgrades));
        });
        return builder;
    }

    /// <summary>Forwarded addresses first, so every limit after it sees the real client.</summary>
    public static WebApplication UseClientLimits(this WebApplication app)
    {
        app.UseClientAddress();
        app.UseRateLimiter();
        if (!app.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.Enabled)
            LogLimitsOff(app.Logger);
        return app;
    }

    /// <summary>The client behind a request, with the caps the desk applies to it.</summary>
    public static Buyer Buyer(this HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var caps = limits.Enabled ? new BuyerCaps(limits.SeatsPerOrder, limits.SeatsPerClient, limits.OpenOrdersPerClient) : null;
        return new Buyer(context.ClientKey(), caps);
    }

    /// <summary>A <c>429</c> problem with <c>Retry-After</c> in whole seconds, rounded up.</summary>
    public static ProblemHttpResult TooManyRequests(HttpResponse response, TimeSpan retryAfter, string detail)
    {
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: "Too many requests", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static RateLimitPartition<string> Partition(HttpContext context, Func<LimitsOptions, RateLimit> pick)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return limits.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(context.ClientKey(), _ => WindowOf(pick(limits)))
            : RateLimitPartition.GetNoLimiter("");
    }

    internal static FixedWindowRateLimiterOptions WindowOf(RateLimit limit) => new()
    {
        PermitLimit = limit.Permits,
        Window = limit.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Limits:Enabled is false: no rate limits, no per-client caps. Use this only for benchmarks.")]
    private static partial void LogLimitsOff(ILogger logger);
}

/// <summary>Per-client limits that code consumes itself, where an endpoint policy cannot tell whether a request counts.</summary>
public sealed class ClientQuotas : IDisposable
{
    public ClientQuotas(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        AdminFailures = new ClientQuota(limits.Enabled ? limits.AdminFailures : null);
        FlightCreation = new ClientQuota(limits.Enabled ? limits.FlightCreation : null);
    }

    /// <summary>Failed staff authentications: once spent, the client is locked out until the window ends.</summary>
    public ClientQuota AdminFailures { get; }

    /// <summary>Tutorial flights created lazily; a request for an existing flight costs nothing.</summary>
    public ClientQuota FlightCreation { get; }

    public void Dispose()
    {
        AdminFailures.Dispose();
        FlightCreation.Dispose();
    }
}

/// <summary>A fixed window of permits per client; with no limit (limits off) every request passes.</summary>
public sealed class ClientQuota(RateLimit? limit) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client => limit is null
        ? RateLimitPartition.GetNoLimiter(client)
        : RateLimitPartition.GetFixedWindowLimiter(client, _ => ClientLimits.WindowOf(limit)));

    /// <summary>Takes one permit; false, with when to come back, if the client has none left.</summary>
    public bool TryTake(string client, out TimeSpan retryAfter) => Acquire(client, 1, out retryAfter);

    /// <summary>Whether the client has spent its permits, without taking one.</summary>
    public bool IsSpent(string client, out TimeSpan retryAfter) => !Acquire(client, 0, out retryAfter);

    private bool Acquire(string client, int permits, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(client, permits);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limit?.Window ?? TimeSpan.Zero;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
