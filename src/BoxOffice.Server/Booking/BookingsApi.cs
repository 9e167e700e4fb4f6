using BoxOffice.Contracts;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server.Booking;

public static class BookingsApi
{
    public const int MaxSeatsPerBooking = 20;
    public const string ManageTokenHeader = "X-Manage-Token";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events/{id}/bookings", Book).WithTags("Bookings").RequireRateLimiting(ClientLimits.Writes);
        var bookings = app.MapGroup("/api/bookings").WithTags("Bookings");
        bookings.MapGet("/{reference}", GetBooking);
        bookings.MapDelete("/{reference}", CancelBooking).RequireRateLimiting(ClientLimits.Writes);
        return app;
    }

    private static async Task<Results<Created<BookingResponse>, ValidationProblem, ProblemHttpResult>> Book(
        string id, BookingRequest request, HttpContext http, EventDesks desks, CancellationToken cancellationToken)
    {
        var token = ManageTokens.NewToken();
        var (command, errors) = ToCommand(request, ManageTokens.NewReference(), ManageTokens.Hash(token), http.Buyer(), http.Actor());
        if (command is null)
            return TypedResults.ValidationProblem(errors);
        if (!EventCatalog.IsValidId(id))
            return EventsApi.EventNotFound(id);

        return await desks.SendAsync(id, command) switch
        {
            null => EventsApi.EventNotFound(id),
            BookResult.Booked booked => TypedResults.Created(
                $"/api/bookings/{booked.Reference}",
                new BookingResponse(booked.Reference, token, id, booked.Seats)),
            var refusal => Refusal(id, refusal),
        };
    }

    /// <summary>Why a desk refused seats, as problem+json.</summary>
    internal static ProblemHttpResult Refusal(string eventId, BookResult refusal) => refusal switch
    {
        BookResult.Unavailable unavailable => SeatsUnavailable(unavailable.Seats),
        BookResult.UnknownSeats unknown => UnknownSeats(eventId, unknown.Seats),
        BookResult.NotEnough notEnough => NotEnoughSeats(notEnough.Available),
        BookResult.LimitReached limit => TypedResults.Problem(
            title: "Limit reached",
            detail: limit.Detail,
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["limit"] = limit.Limit, ["max"] = limit.Max }),
        BookResult.CheckoutRequired => TypedResults.Problem(
            title: "Checkout required",
            detail: $"Event {eventId} sells paid seats: create an order with POST /api/orders.",
            statusCode: StatusCodes.Status409Conflict),
        BookResult.NotOnSale notOnSale => TypedResults.Problem(
            title: "Not on sale",
            detail: notOnSale.Detail,
            statusCode: StatusCodes.Status409Conflict),
        BookResult.BookDirectly => TypedResults.Problem(
            title: "Free event",
            detail: $"Event {eventId} is free: book seats directly with POST /api/events/{eventId}/bookings.",
            statusCode: StatusCodes.Status409Conflict),
        _ => throw new InvalidOperationException($"Unexpected result {refusal}."),
    };

    private static (DeskCommand<BookResult>? Command, Dictionary<string, string[]> Errors) ToCommand(BookingRequest request, string reference, string tokenHash, Buyer buyer, string actor)
    {
        if (request.Seats is not null)
        {
            var (seats, errors) = ValidateSeats(request.Seats);
            if (request.Count is not null || request.Names is not null)
                errors["count"] = ["Give either \"seats\" or \"count\" with \"names\", not both."];
            if (errors.Count > 0)
                return (null, errors);
            return (new BookSeats(seats, reference, tokenHash, buyer) { Actor = actor }, errors);
        }
        if (request.Count is null)
            return (null, new() { ["seats"] = ["Give \"seats\" to book named seats, or \"count\" and \"names\" for the best available."] });

        var (names, bestErrors) = ValidateBestAvailable(request);
        if (bestErrors.Count > 0)
            return (null, bestErrors);
        return (new BookBestAvailable(names, request.Together ?? true, request.Category, reference, tokenHash, buyer) { Actor = actor }, bestErrors);
    }

    /// <summary>Checks a best-available request; without errors, gives the names as they are to be stored.</summary>
    internal static (string[] Names, Dictionary<string, string[]> Errors) ValidateBestAvailable(BookingRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var names = new string[request.Names?.Count ?? 0];
        if (request.Count is not { } count || count < 1 || count > MaxSeatsPerBooking)
            errors["count"] = [$"Count must be 1 to {MaxSeatsPerBooking}."];
        if (request.Names is null || request.Names.Count != request.Count)
            errors["names"] = ["Give one name per seat: \"names\" must have \"count\" entries."];
        else
        {
            for (var i = 0; i < request.Names.Count; i++)
            {
                if (PersonNames.TryNormalize(request.Names[i], out var name))
                    names[i] = name;
                else
                    errors[$"names[{i}]"] = [PersonNames.Rule];
            }
        }
        if (request.Category is { Length: 0 or > LayoutParser.MaxCategoryLength })
            errors["category"] = [$"Category must be 1 to {LayoutParser.MaxCategoryLength} characters."];
        return (names, errors);
    }

    private static async Task<Results<Ok<BookingView>, ProblemHttpResult>> GetBooking(
        string reference, [FromHeader(Name = ManageTokenHeader)] string? manageToken, IBookingStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(manageToken))
            return ManageTokenRequired();
        var booking = await FindOwnedAsync(reference, manageToken, store, cancellationToken);
        if (booking is null)
            return BookingNotFound(reference);
        var cancelled = booking.CancelledAtMs is not null;
        var seats = booking.Seats
            .Where(seat => cancelled || !seat.Released)
            .Select(seat => new BookedSeat(seat.Seat, seat.Name))
            .ToArray();
        return TypedResults.Ok(new BookingView(
            booking.Reference,
            booking.EventId,
            cancelled ? "cancelled" : "confirmed",
            DateTimeOffset.FromUnixTimeMilliseconds(booking.CreatedAtMs),
            seats));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelBooking(
        string reference, [FromHeader(Name = ManageTokenHeader)] string? manageToken, HttpContext http, IBookingStore store, EventDesks desks, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(manageToken))
            return ManageTokenRequired();
        var booking = await FindOwnedAsync(reference, manageToken, store, cancellationToken);
        if (booking is null)
            return BookingNotFound(reference);
        if (booking.CancelledAtMs is not null)
            return TypedResults.NoContent();

        var liveSeats = booking.Seats.Where(seat => !seat.Released).Select(seat => seat.Seat).ToArray();
        await desks.SendAsync(booking.EventId, new CancelBookingSeats(booking.Reference, liveSeats) { Actor = http.Actor() });
        return TypedResults.NoContent();
    }

    private static async Task<StoredBooking?> FindOwnedAsync(string reference, string manageToken, IBookingStore store, CancellationToken cancellationToken)
    {
        if (reference.Length != ManageTokens.ReferenceLength)
            return null;
        var booking = await store.GetBookingAsync(reference.ToUpperInvariant(), cancellationToken);
        return booking is not null && ManageTokens.Verify(manageToken, booking.ManageTokenHash) ? booking : null;
    }

    /// <summary>
    /// Checks the shape of requested seats; whether they exist is the desk's question. Without errors,
    /// gives each seat's trimmed label and its name as it is to be stored.
    /// </summary>
    internal static ((string Seat, string Name)[] Seats, Dictionary<string, string[]> Errors) ValidateSeats(IReadOnlyList<SeatRequest>? seats)
    {
        var errors = new Dictionary<string, string[]>();
        if (seats is null || seats.Count == 0 || seats.Count > MaxSeatsPerBooking)
        {
            errors["seats"] = [$"Give 1 to {MaxSeatsPerBooking} seats, each as {{\"seat\":\"12C\",\"name\":\"Ada Lovelace\"}}."];
            return ([], errors);
        }
        var valid = new (string Seat, string Name)[seats.Count];
        var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < seats.Count; i++)
        {
            var seat = seats[i]?.Seat?.Trim();
            if (string.IsNullOrEmpty(seat) || seat.Length > LayoutParser.MaxLabelLength)
                errors[$"seats[{i}].seat"] = [$"Seat must be a label of 1 to {LayoutParser.MaxLabelLength} characters."];
            else if (!labels.Add(seat))
                errors[$"seats[{i}].seat"] = [$"Seat {seat} is listed twice."];
            if (PersonNames.TryNormalize(seats[i]?.Name, out var name))
                valid[i] = (seat!, name);
            else
                errors[$"seats[{i}].name"] = [PersonNames.Rule];
        }
        return (valid, errors);
    }

    private static ProblemHttpResult SeatsUnavailable(IReadOnlyList<string> seats) => TypedResults.Problem(
        title: "Seats unavailable",
        detail: $"These seats are no longer available: {string.Join(", ", seats)}.",
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["unavailableSeats"] = seats });

    private static ProblemHttpResult UnknownSeats(string eventId, IReadOnlyList<string> seats) => TypedResults.Problem(
        title: "Unknown seats",
        detail: $"Event {eventId} has no seats {string.Join(", ", seats)}.",
        statusCode: StatusCodes.Status404NotFound,
        extensions: new Dictionary<string, object?> { ["unknownSeats"] = seats });

    private static ProblemHttpResult NotEnoughSeats(int available) => TypedResults.Problem(
        title: available == 0 ? "Sold out" : "Not enough seats",
        detail: available == 0 ? "There are no seats left." : $"Only {available} seats are left, not enough together for this request.",
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["available"] = available });

    private static ProblemHttpResult ManageTokenRequired() => TypedResults.Problem(
        title: "Manage token required",
        detail: $"Send the booking's manage token in the {ManageTokenHeader} header.",
        statusCode: StatusCodes.Status401Unauthorized);

    private static ProblemHttpResult BookingNotFound(string reference) => TypedResults.Problem(
        title: "Booking not found",
        detail: $"No booking '{reference}' matches this manage token.",
        statusCode: StatusCodes.Status404NotFound);
}
