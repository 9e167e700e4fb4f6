using System.Net.WebSockets;

namespace BoxOffice.Server.Live;

/// <summary>A close status and the reason text a browser's close event shows.</summary>
public sealed record CloseReason(WebSocketCloseStatus Status, string Description);

/// <summary>Every way the server ends a live socket, so a client can tell why and whether to come back.</summary>
public static class LiveCloses
{
    /// <summary>1013 "try again later": missing from <see cref="WebSocketCloseStatus"/>, but registered with IANA and known to browsers.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public static readonly CloseReason ServerFull = new(TryAgainLater, "The server has too many live connections; try again later.");

    public static readonly CloseReason EventFull = new(TryAgainLater, "This event has too many live connections; try again later.");

    public static readonly CloseReason TooManyMessages = new(WebSocketCloseStatus.PolicyViolation, "Too many messages; this feed expects none.");

    public static readonly CloseReason FellBehind = new(WebSocketCloseStatus.PolicyViolation, "Fell behind; reconnect to re-sync.");

    public static readonly CloseReason Reloaded = new(WebSocketCloseStatus.EndpointUnavailable, "Event reloaded; reconnect to re-sync.");

    public static readonly CloseReason Goodbye = new(WebSocketCloseStatus.NormalClosure, "Goodbye.");

    public static CloseReason ClientFull(int max) =>
        new(WebSocketCloseStatus.PolicyViolation, $"Too many live connections from your address (limit {max}).");

    public static CloseReason MessageTooBig(int maxBytes) =>
        new(WebSocketCloseStatus.MessageTooBig, $"Messages to this feed are limited to {maxBytes} bytes.");

    public static CloseReason Idle(int seconds) =>
        new(WebSocketCloseStatus.NormalClosure, $"Nothing sent either way for {seconds} s; reconnect to resume.");
}
