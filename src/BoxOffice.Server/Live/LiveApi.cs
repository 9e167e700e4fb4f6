using BoxOffice.Server.Booking;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BoxOffice.Server.Live;

public static class LiveApi
{
    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events/{id}/live", Live).WithTags("Events").RequireRateLimiting(ClientLimits.WebSocketUpgrades);
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Live(string id, HttpContext context, BookingDesks desks, ILoggerFactory loggers)
    {
        if (!EventCatalog.IsValidId(id))
            return EventsApi.EventNotFound(id);
        var desk = await desks.FindAsync(id, context.RequestAborted);
        if (desk is null || desk.Definition.Tutorial)
            return EventsApi.EventNotFound(id);
        return await Stream(context, desks, id, tutorial: false, map => new SeatMapEncoder(map), loggers.CreateLogger<LiveConnection>());
    }

    /// <summary>
    /// Accepts the WebSocket and serves it until either side leaves. The snapshot is taken on the
    /// desk's thread in the same step that subscribes the connection, so no committed change can fall between them.
    /// A socket over a cap is accepted all the same and closed at once, because a browser sees a close
    /// status and reason but never the status code of a refused upgrade.
    /// </summary>
    internal static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(
        HttpContext context, BookingDesks desks, string eventId, bool tutorial, Func<SeatMap, ILiveEncoder> encoderFor, ILogger logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                title: "WebSocket required",
                detail: "Connect to this address with a WebSocket client.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        var sockets = context.RequestServices.GetRequiredService<LiveSockets>();
        using var slot = sockets.Take(context.ClientKey(), eventId);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (slot.Refusal is { } refusal)
        {
            await LiveConnection.RefuseAsync(socket, refusal, logger);
            return TypedResults.Empty;
        }
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        LiveConnection? connection = null;
        var encoder = await desks.SendAsync(eventId, new ReadSeatMap<ILiveEncoder>(map =>
        {
            connection = new LiveConnection(socket, map.Feed, sockets.Options, time, logger);
            map.Feed.Add(connection);
            return encoderFor(map);
        }) { Tutorial = tutorial }, context.RequestAborted);
        if (encoder is not null && connection is not null)
            await connection.RunAsync(encoder, context.RequestAborted);
        return TypedResults.Empty;
    }
}
