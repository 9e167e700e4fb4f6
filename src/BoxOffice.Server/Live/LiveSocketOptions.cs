using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Live;

/// <summary>
/// What the live sockets (<c>/api/events/{id}/live</c> and the tutorial's <c>/ws</c>) may cost the server:
/// how many may be open, how long one may sit silent, and what a client may send on one.
/// </summary>
public sealed class LiveSocketOptions
{
    public const string Section = "WebSockets";

    /// <summary>Open sockets from one client address; lifted with every other per-client limit by <c>Limits:Enabled=false</c>.</summary>
    [Range(1, 100_000)]
    public int MaxPerClient { get; set; } = 20;

    /// <summary>Open sockets on one event.</summary>
    [Range(1, 1_000_000)]
    public int MaxPerEvent { get; set; } = 5_000;

    /// <summary>Open sockets in this process.</summary>
    [Range(1, 1_000_000)]
    public int MaxTotal { get; set; } = 20_000;

    /// <summary>A socket with no message in either direction for this long is closed; pages reconnect when they are looked at.</summary>
    [Range(1, 86_400)]
    public int IdleSeconds { get; set; } = 300;

    /// <summary>How often the server pings each socket.</summary>
    [Range(1, 3_600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>A socket whose peer does not answer a ping within this long is dropped.</summary>
    [Range(1, 3_600)]
    public int KeepAliveTimeoutSeconds { get; set; } = 20;

    /// <summary>The largest message a client may send, however many frames it comes in.</summary>
    [Range(1, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 4_096;

    /// <summary>Messages a client may send per <see cref="MessageWindowSeconds"/>; these feeds expect none.</summary>
    [Range(1, 10_000)]
    public int MaxMessages { get; set; } = 10;

    [Range(1, 3_600)]
    public int MessageWindowSeconds { get; set; } = 10;
}
