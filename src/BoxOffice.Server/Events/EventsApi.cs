using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server.Events;

public static partial class EventsApi
{
    /// <summary>Custom layouts of 100,000 seats are a few megabytes of JSON; everything else stays small.</summary>
    public const long MaxCreateBodyBytes = 16 * 1024 * 1024;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events");
        events.MapGet("/", ListEvents);
        events.MapGet("/{id}", GetSeatMap);
        events.MapPost("/", CreateEvent)
            .RequireStaff(StaffPolicies.Admin)
            .RequireRateLimiting(ClientLimits.EventCreation)
            .WithMetadata(new RequestSizeLimitAttribute(MaxCreateBodyBytes));
        events.MapPatch("/{id}", EditEvent)
            .RequireStaff(StaffPolicies.Admin)
            .WithMetadata(new RequestSizeLimitAttribute(MaxCreateBodyBytes));
        events.MapDelete("/{id}", DeleteEvent).RequireStaff(StaffPolicies.Admin);
        events.MapGet("/{id}/audit", Audit).RequireStaff(StaffPolicies.Admin);
        return app;
    }

    private static async Task<Ok<EventSummary[]>> ListEvents(IBookingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var listed = await store.ListEventsAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), forStaff: false, cancellationToken);
        return TypedResults.Ok(listed.Select(e => Summary(e.Event.Id, new EventState(
            e.Event.Title, e.Event.Currency, e.Event.Prices, e.Event.SeatCount, e.Available, e.Held, e.Event.Details, e.Event.Sales))).ToArray());
    }

    /// <summary>The seat map as encoded by the desk once per committed version, sent as it is.</summary>
    [ProducesResponseType<SeatMapView>(StatusCodes.Status200OK, "application/json")]
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetSeatMap(string id, EventDesks desks)
    {
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        var view = await desks.ReadAsync(id, new ReadSeatMapView());
        return view is null ? EventNotFound(id) : TypedResults.Bytes(view, "application/json");
    }

    private static async Task<Results<Created<EventSummary>, ValidationProblem, ProblemHttpResult>> CreateEvent(
        CreateEventRequest request, EventCatalog catalog, CancellationToken cancellationToken)
    {
        var (definition, layoutJson, errors) = EventCatalog.IsValidId(request.Id)
            ? EventForm.Validate(request.Id!, EventFields.From(request), null)
            : new EventForm.Outcome(null, null, new() { ["id"] = ["Id must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit."] });
        if (definition is { Sales.Status: not (EventStatus.Draft or EventStatus.OnSale) })
            errors["status"] = ["A new event is a draft or on sale."];
        if (definition is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (!await catalog.CreateAsync(definition, layoutJson!, cancellationToken))
        {
            return TypedResults.Problem(
                title: "Event already exists",
                detail: $"An event with id '{definition.Id}' already exists.",
                statusCode: StatusCodes.Status409Conflict);
        }
        var available = definition.Layout.Seats.Count(seat => !seat.Flags.HasFlag(SeatFeatures.Blocked));
        var state = new EventState(definition.Title, definition.Currency, definition.Prices, definition.Layout.Count, available, 0, definition.Details, definition.Sales);
        return TypedResults.Created($"/api/events/{definition.Id}", Summary(definition.Id, state));
    }

    private static async Task<Results<Ok<EventSummary>, ValidationProblem, ProblemHttpResult>> EditEvent(string id, CreateEventRequest request, EventDesks desks)
    {
        if (request.Id is not null && request.Id != id)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["An event's id cannot change."] });
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        return await desks.SendAsync(id, new EditEvent(EventFields.From(request))) switch
        {
            null => EventNotFound(id),
            EditResult.Edited edited => TypedResults.Ok(Summary(id, edited.Event)),
            EditResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            EditResult.Refused refused => TypedResults.Problem(title: "Change refused", detail: refused.Detail, statusCode: StatusCodes.Status409Conflict),
            var other => throw new InvalidOperationException($"Unexpected result {other}."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEvent(string id, EventDesks desks)
    {
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        switch (await desks.SendAsync(id, new DeleteEvent()))
        {
            case null:
                return EventNotFound(id);
            case DeleteResult.HasSales:
                return TypedResults.Problem(
                    title: "Event has sales",
                    detail: $"Event {id} has sold seats, so its records stay: cancel it instead (PATCH with {{\"status\":\"cancelled\"}}).",
                    statusCode: StatusCodes.Status409Conflict);
            default:
                await desks.RetireAsync(id);
                return TypedResults.NoContent();
        }
    }

    private static EventSummary Summary(string id, EventState e) => new(
        id, e.Title, e.SeatCount, e.Available, e.Held, e.Currency, e.Prices, EventStatuses.Name(e.Sales.Status), e.Sales.Listed,
        e.Details.Venue, e.Details.Description, e.Details.StartsAt, e.Details.TimeZone, e.Details.DoorsAt, e.Details.EndsAt, e.Sales.OpenAt, e.Sales.CloseAt);

    private static async Task<Results<Ok<EventAudit>, ProblemHttpResult>> Audit(string id, IBookingStore store, EventDesks desks, CancellationToken cancellationToken) =>
        await AuditAsync(id, store, desks, cancellationToken) is { } audit ? TypedResults.Ok(audit) : EventNotFound(id);

    /// <summary>The event's counts and broken invariants as the database has them; null when there is no such event.</summary>
    internal static async Task<EventAudit?> AuditAsync(string id, IBookingStore store, EventDesks desks, CancellationToken cancellationToken)
    {
        if (!EventCatalog.IsValidId(id) || await store.AuditAsync(id, cancellationToken) is not { } audit)
            return null;
        var blocked = (await desks.DescribeAsync(id))?.BlockedSeats ?? 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["booked"] = audit.ClaimedByStatus.GetValueOrDefault("booked"),
            ["held"] = audit.ClaimedByStatus.GetValueOrDefault("held"),
            ["blocked"] = blocked + audit.ClaimedByStatus.GetValueOrDefault("blocked"),
        };
        counts["available"] = audit.SeatCount - counts.Values.Sum();
        var anomalies = audit.Anomalies.ToList();
        if (counts["available"] != audit.AvailableCount)
            anomalies.Add(new AuditAnomaly("count_drift", null, null, $"events.available_count is {audit.AvailableCount}, the seats say {counts["available"]}"));
        return new EventAudit(id, audit.Version, counts, anomalies);
    }

    internal static ProblemHttpResult EventNotFound(string id) => TypedResults.Problem(
        title: "Event not found",
        detail: $"There is no event '{id}'.",
        statusCode: StatusCodes.Status404NotFound);
}

/// <summary><c>GET /api/events/{id}</c>: the layout with every seat's status, encoded once per version.</summary>
[GenerateSerializer, Immutable]
public sealed record ReadSeatMapView : DeskRead
{
    protected override byte[] Encode(SeatMap map)
    {
        var layout = map.Layout;
        var seats = new SeatView[layout.Count];
        for (var i = 0; i < seats.Length; i++)
        {
            var seat = layout.Seats[i];
            seats[i] = new SeatView(seat.Label, seat.Section, seat.Row, seat.Category, Layout.FlagNames(seat.Flags), seat.X, seat.Y, SeatMap.StatusName(map.StatusOf(i)));
        }
        var counts = Enum.GetValues<SeatStatus>().ToDictionary(SeatMap.StatusName, map.Count);
        var definition = map.Event;
        var view = new SeatMapView(definition.Id, definition.Title, map.Version, definition.Currency, definition.Prices, counts, seats);
        return JsonSerializer.SerializeToUtf8Bytes(view, ServerJson.Default.SeatMapView);
    }
}
