using System.Net.Http.Headers;
using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Compat;

/// <summary>
/// The routes of the Durable Objects seat-booking tutorial, unchanged, so its page and scripts work
/// against BoxOffice. Unlike the main API they show occupants' names: that is the tutorial's contract,
/// so they serve tutorial flights only, which nothing else serves, and <c>Compat:Enabled=false</c> turns them off.
/// </summary>
public static class CompatApi
{
    private const int MaxBodyBytes = 4 * 1024;

    public static WebApplicationBuilder AddCompat(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CompatOptions>()
            .BindConfiguration(CompatOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TutorialFlights>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCompatApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<CompatOptions>>().Value.Enabled)
            return app;
        var compat = app.MapGroup("").WithTags("Tutorial compatibility");
        compat.MapGet("/seats", GetSeats);
        compat.MapPost("/book-seat", BookSeat).RequireRateLimiting(ClientLimits.Writes);
        compat.MapGet("/ws", Subscribe).RequireRateLimiting(ClientLimits.WebSocketUpgrades);
        return app;
    }

    private static async Task<IResult> GetSeats(string? flightId, HttpContext context, TutorialFlights flights, EventDesks desks)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        var (lookup, seats) = await flights.UseAsync(flightId!, context.ClientKey(), () => desks.ReadFlightAsync(flightId!, new ReadTutorialSeats()));
        return seats is null ? Refusal(flightId!, lookup, context) : TypedResults.Bytes(seats, "application/json");
    }

    private static async Task<Results<JsonHttpResult<CompatMessage>, ProblemHttpResult>> BookSeat(
        string? flightId, HttpRequest request, TutorialFlights flights, EventDesks desks, CancellationToken cancellationToken)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        // Forms and text/plain are what another site can make a visitor's browser post without asking (CORS).
        if (!IsJson(request.ContentType))
            return Message(StatusCodes.Status415UnsupportedMediaType, "Send the body as Content-Type: application/json.");
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return Message(StatusCodes.Status400BadRequest, "Send a JSON body such as {\"seatNumber\":\"1A\",\"name\":\"Ada\"}.");
        var seatNumber = body.SeatNumber?.Trim();
        if (string.IsNullOrEmpty(seatNumber) || seatNumber.Length > LayoutParser.MaxLabelLength)
            return Message(StatusCodes.Status400BadRequest, "seatNumber is required, for example \"1A\".");
        if (!PersonNames.TryNormalize(body.Name, out var name))
            return Message(StatusCodes.Status400BadRequest, PersonNames.Rule);

        var command = new BookSeats([(seatNumber, name)], ManageTokens.NewReference(), ManageTokens.Hash(ManageTokens.NewToken()), request.HttpContext.Buyer());
        var (lookup, result) = await flights.UseAsync(flightId!, request.HttpContext.ClientKey(), () => desks.SendToFlightAsync(flightId!, command));
        return result switch
        {
            null => Refusal(flightId!, lookup, request.HttpContext),
            BookResult.Booked booked => Message(StatusCodes.Status200OK, $"Seat {booked.Seats[0].Seat} booked successfully"),
            BookResult.Unavailable => Message(StatusCodes.Status409Conflict, $"Seat {seatNumber} is not available"),
            BookResult.LimitReached limit => Message(StatusCodes.Status409Conflict, limit.Detail),
            BookResult.UnknownSeats => Message(StatusCodes.Status404NotFound, $"Seat {seatNumber} does not exist on flight {flightId}"),
            // Flights are free and a paid event's desk refuses the tutorial's commands (it is "no flight" above),
            // so nothing else can come back, and nothing else may be worded as a seat that does not exist.
            _ => throw new InvalidOperationException($"Unexpected result {result}."),
        };
    }

    private static async Task<IResult> Subscribe(string? flightId, HttpContext context, TutorialFlights flights, EventDesks desks, ILoggerFactory loggers)
    {
        if (FlightIdError(flightId) is { } error)
            return error;
        var (lookup, facts) = await flights.UseAsync(flightId!, context.ClientKey(), async () => await desks.DescribeAsync(flightId!) is { } facts ? (true, facts.Tutorial ? facts : null) : (false, null));
        if (facts is null)
            return Refusal(flightId!, lookup, context);
        return await LiveApi.Stream(context, flightId!, tutorial: true, seats => new CompatEncoder(seats), loggers.CreateLogger<LiveConnection>());
    }

    /// <summary>Why the flight cannot be used, as the answer to send.</summary>
    private static Results<JsonHttpResult<CompatMessage>, ProblemHttpResult> Refusal(string flightId, FlightLookup lookup, HttpContext context) => lookup switch
    {
        FlightLookup.RateLimited limited => ClientLimits.TooManyRequests(
            context.Response, limited.RetryAfter, "Your address has created its share of new flights for now; wait, or use a flight that exists."),
        FlightLookup.Full => TooManyFlights("Every tutorial flight has passengers, so no new flight can be made now; use a flight that exists."),
        // Gone again only when newer flights pushed it out past the bound before the request reached its desk,
        // which takes a flood of new flights: the client is told to come back.
        FlightLookup.PushedOut => TooManyFlights("New flights are being made faster than the bound allows, and this one made room for another; try again."),
        _ => FlightNotFound(flightId),
    };

    private static ProblemHttpResult TooManyFlights(string detail) =>
        TypedResults.Problem(title: "Too many flights", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

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

    private static JsonHttpResult<CompatMessage>? FlightIdError(string? flightId) => TutorialFlights.IsValidId(flightId)
        ? null
        : Message(StatusCodes.Status400BadRequest, "flightId is required: 1 to 32 letters, digits, '-' or '_'.");

    /// <summary>Also the answer for any event that is not a tutorial flight: the tutorial's routes never show one.</summary>
    private static JsonHttpResult<CompatMessage> FlightNotFound(string flightId) =>
        Message(StatusCodes.Status404NotFound, $"There is no flight {flightId}.");

    private static JsonHttpResult<CompatMessage> Message(int status, string message) =>
        TypedResults.Json(new CompatMessage(message, status), ServerJson.Default.CompatMessage, statusCode: status);
}
