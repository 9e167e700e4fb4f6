using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Clients;

/// <summary>
/// What one client may do: request rates and how much inventory it may tie up on one event. One
/// switch, <c>Limits:Enabled=false</c>, lifts every per-client limit at once, for benchmarks in which
/// one load generator plays thousands of clients from one address.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    public bool Enabled { get; set; } = true;

    /// <summary>Orders awaiting payment one client may have open on one paid event.</summary>
    [Range(1, 1000)]
    public int OpenOrdersPerClient { get; set; } = 2;

    /// <summary>Seats in one order, or one booking.</summary>
    [Range(1, 100)]
    public int SeatsPerOrder { get; set; } = 10;

    /// <summary>Seats one client may hold or have booked on one free event.</summary>
    [Range(1, 10_000)]
    public int SeatsPerClient { get; set; } = 10;

    /// <summary>Bookings, cancellations, orders and payment decisions.</summary>
    public RateLimit Writes { get; set; } = new() { Permits = 60, WindowSeconds = 60 };

    /// <summary><c>POST /api/events</c>, staff only but still bounded.</summary>
    public RateLimit EventCreation { get; set; } = new() { Permits = 30, WindowSeconds = 60 };

    /// <summary>Failed staff authentications; past the limit the client is locked out until the window ends.</summary>
    public RateLimit AdminFailures { get; set; } = new() { Permits = 10, WindowSeconds = 300 };

    /// <summary>WebSocket upgrades (live seat maps and the tutorial's <c>/ws</c>).</summary>
    public RateLimit WebSocketUpgrades { get; set; } = new() { Permits = 30, WindowSeconds = 60 };

    /// <summary>Tutorial flights one client may create lazily.</summary>
    public RateLimit FlightCreation { get; set; } = new() { Permits = 10, WindowSeconds = 60 };

    public IEnumerable<(string Name, RateLimit Limit)> RateLimits =>
    [
        (nameof(Writes), Writes),
        (nameof(EventCreation), EventCreation),
        (nameof(AdminFailures), AdminFailures),
        (nameof(WebSocketUpgrades), WebSocketUpgrades),
        (nameof(FlightCreation), FlightCreation),
    ];
}

/// <summary>A fixed window: <see cref="Permits"/> requests per <see cref="WindowSeconds"/> seconds, per client.</summary>
public sealed class RateLimit
{
    public int Permits { get; set; }

    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    public bool IsValid => Permits is >= 1 and <= 1_000_000 && WindowSeconds is >= 1 and <= 86_400;
}
