using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
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

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Live(string id, HttpContext context, EventDesks desks, ILoggerFactory loggers)
    {
        if (!EventCatalog.IsValidId(id) || await desks.DescribeAsync(id) is not { Tutorial: false })
            return EventsApi.EventNotFound(id);
        return await Stream(context, id, tutorial: false, seats => new SeatMapEncoder(seats), loggers.CreateLogger<LiveConnection>());
    }

    /// <summary>
    /// Accepts the WebSocket and serves it until either side leaves, from this process's watch of the event.
    /// The snapshot is taken from the watch in the same step that subscribes the connection, so no committed change can fall between them.
    /// A socket over a cap is accepted all the same and closed at once, because a browser sees a close
    /// status and reason but never the status code of a refused upgrade.
    /// </summary>
    internal static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(
        HttpContext context, string eventId, bool tutorial, Func<WatchedSeats, ILiveEncoder> encoderFor, ILogger logger)
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
        var watches = context.RequestServices.GetRequiredService<EventWatches>();
        if (await watches.JoinAsync(eventId, tutorial) is not { } watch)
        {
            await LiveConnection.RefuseAsync(socket, LiveCloses.Reloaded, logger);
            return TypedResults.Empty;
        }
        try
        {
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            var connection = new LiveConnection(socket, watch.Feed, sockets.Options, time, logger);
            var encoder = watch.Subscribe(connection, encoderFor);
            await connection.RunAsync(encoder, context.RequestAborted);
        }
        finally
        {
            await watches.LeaveAsync(watch);
        }
        return TypedResults.Empty;
    }
}
