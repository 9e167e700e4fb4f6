using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BoxOffice.Server.Compat;

/// <summary>
/// The routes of the Durable Objects seat-booking tutorial, unchanged, so its page and scripts work
/// against BoxOffice. Unlike the main API they show occupants' names: that is the tutorial's contract,
/// so they serve tutorial flights only, which nothing else serves, and <c>Compat:Enabled=false</c> turns them off.
/// </summary>
public static class CompatApi
{
    private const int MaxBodyBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapCompatApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("Compat:Enabled", true))
            return app;
        var compat = app.MapGroup("").WithTags("Tutorial compatibility");
        compat.MapGet("/seats", GetSeats);
        compat.MapPost("/book-seat", BookSeat).RequireRateLimiting(ClientLimits.Writes);
        compat.MapGet("/ws", Subscribe).RequireRateLimiting(ClientLimits.WebSocketUpgrades);
        return app;
    }

    private static async Task<IResult> GetSeats(string? flightId, EventCatalog catalog, BookingDesks desks, CancellationToken cancellationToken)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        await EnsureFlightAsync(flightId!, catalog, desks, cancellationToken);
        var seats = await desks.SendAsync(flightId!, new ReadSeatMap<byte[]>(map => new CompatEncoder(map).Snapshot()) { Tutorial = true }, cancellationToken);
        return seats is null ? FlightNotFound(flightId!) : TypedResults.Bytes(seats, "application/json");
    }

    private static async Task<JsonHttpResult<CompatMessage>> BookSeat(
        string? flightId, HttpRequest request, EventCatalog catalog, BookingDesks desks, CancellationToken cancellationToken)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return Message(StatusCodes.Status400BadRequest, "Send a JSON body such as {\"seatNumber\":\"1A\",\"name\":\"Ada\"}.");
        var seatNumber = body.SeatNumber?.Trim();
        if (string.IsNullOrEmpty(seatNumber) || seatNumber.Length > LayoutParser.MaxLabelLength)
            return Message(StatusCodes.Status400BadRequest, "seatNumber is required, for example \"1A\".");
        if (BookingsApi.NameError(body.Name) is { } nameError)
            return Message(StatusCodes.Status400BadRequest, nameError);

        await EnsureFlightAsync(flightId!, catalog, desks, cancellationToken);
        var command = new BookSeats([(seatNumber, body.Name!.Trim())], ManageTokens.NewReference(), ManageTokens.Hash(ManageTokens.NewToken()), request.HttpContext.Buyer())
        {
            Tutorial = true,
        };
        return await desks.SendAsync(flightId!, command, cancellationToken) switch
        {
            null => FlightNotFound(flightId!),
            BookResult.Booked booked => Message(StatusCodes.Status200OK, $"Seat {booked.Seats[0].Seat} booked successfully"),
            BookResult.Unavailable => Message(StatusCodes.Status409Conflict, $"Seat {seatNumber} is not available"),
            BookResult.LimitReached limit => Message(StatusCodes.Status409Conflict, limit.Detail),
            _ => Message(StatusCodes.Status404NotFound, $"Seat {seatNumber} does not exist on flight {flightId}"),
        };
    }

    private static async Task<IResult> Subscribe(string? flightId, HttpContext context, EventCatalog catalog, BookingDesks desks, ILoggerFactory loggers)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        await EnsureFlightAsync(flightId!, catalog, desks, context.RequestAborted);
        if (await desks.FindAsync(flightId!, context.RequestAborted) is not { Definition.Tutorial: true })
            return FlightNotFound(flightId!);
        return await LiveApi.Stream(context, desks, flightId!, tutorial: true, map => new CompatEncoder(map), loggers.CreateLogger<LiveConnection>());
    }

    /// <summary>
    /// Creates the flight on first use, as the tutorial does; a flight whose desk is already up costs no write,
    /// and neither does another event's id, which the tutorial's commands then do not find.
    /// </summary>
    private static async Task EnsureFlightAsync(string flightId, EventCatalog catalog, BookingDesks desks, CancellationToken cancellationToken)
    {
        if (await desks.FindAsync(flightId, cancellationToken) is null)
            await catalog.CreateFlightAsync(flightId, maxFlights: null, cancellationToken);
    }

    private static async Task<CompatBookRequest?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (length > MaxBodyBytes)
            return null;
        try
        {
            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), ServerJson.Default.CompatBookRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonHttpResult<CompatMessage>? FlightIdError(string? flightId) => EventCatalog.IsValidId(flightId)
        ? null
        : Message(StatusCodes.Status400BadRequest, "flightId is required: 1 to 64 letters, digits, '-' or '_'.");

    /// <summary>Also the answer for any event that is not a tutorial flight: the tutorial's routes never show one.</summary>
    private static JsonHttpResult<CompatMessage> FlightNotFound(string flightId) =>
        Message(StatusCodes.Status404NotFound, $"There is no flight {flightId}.");

    private static JsonHttpResult<CompatMessage> Message(int status, string message) =>
        TypedResults.Json(new CompatMessage(message, status), ServerJson.Default.CompatMessage, statusCode: status);
}
