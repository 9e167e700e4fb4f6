using System.Text.Json;
using System.Text.RegularExpressions;
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
        events.MapGet("/{id}/audit", Audit).RequireStaff(StaffPolicies.Admin);
        return app;
    }

    private static async Task<Ok<EventSummary[]>> ListEvents(IBookingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var listed = await store.ListEventsAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return TypedResults.Ok(listed.Select(e => new EventSummary(e.Event.Id, e.Event.Title, e.Event.SeatCount, e.Available, e.Held, e.Event.Currency, e.Event.Prices)).ToArray());
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
        var (definition, layoutJson, errors) = Validate(request);
        if (definition is null)
            return TypedResults.ValidationProblem(errors);
        if (!await catalog.CreateAsync(definition, layoutJson!, cancellationToken))
        {
            return TypedResults.Problem(
                title: "Event already exists",
                detail: $"An event with id '{definition.Id}' already exists.",
                statusCode: StatusCodes.Status409Conflict);
        }
        var available = definition.Layout.Seats.Count(seat => !seat.Flags.HasFlag(SeatFeatures.Blocked));
        var summary = new EventSummary(definition.Id, definition.Title, definition.Layout.Count, available, 0, definition.Currency, definition.Prices);
        return TypedResults.Created($"/api/events/{definition.Id}", summary);
    }

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

    private static (EventDefinition? Definition, string? LayoutJson, Dictionary<string, string[]> Errors) Validate(CreateEventRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!EventCatalog.IsValidId(request.Id))
            errors["id"] = ["Id must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit."];
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > EventCatalog.MaxTitleLength || title.Any(char.IsControl))
            errors["title"] = [$"Title must be 1 to {EventCatalog.MaxTitleLength} printable characters."];
        var currency = request.Currency ?? EventCatalog.DefaultCurrency;
        if (!CurrencyPattern().IsMatch(currency))
            errors["currency"] = ["Currency must be a three-letter ISO 4217 code such as EUR."];

        Layout? layout = null;
        if (request.Layout is not { } layoutDocument)
        {
            errors["layout"] = ["Layout is required, for example {\"template\":\"a320\"}."];
        }
        else
        {
            var parsed = LayoutParser.Parse(layoutDocument);
            if (parsed.Layout is null)
                errors["layout"] = [.. parsed.Errors];
            layout = parsed.Layout;
        }

        var prices = new Dictionary<string, long>(StringComparer.Ordinal);
        if (layout is not null)
        {
            foreach (var category in layout.Categories)
            {
                if (request.Prices is null)
                    prices[category] = 0;
                else if (request.Prices.TryGetValue(category, out var price) && price is >= 0 and <= 100_000_000)
                    prices[category] = price;
                else
                    errors[$"prices.{category}"] = [$"Give a price for category '{category}' in minor units, from 0 to 100000000."];
            }
            foreach (var category in request.Prices?.Keys.Except(layout.Categories) ?? [])
                errors[$"prices.{category}"] = [$"No seat in the layout has category '{category}'."];
        }

        if (errors.Count > 0)
            return (null, null, errors);
        return (new EventDefinition(request.Id!, title!, layout!, prices, currency), request.Layout!.Value.GetRawText(), errors);
    }

    internal static ProblemHttpResult EventNotFound(string id) => TypedResults.Problem(
        title: "Event not found",
        detail: $"There is no event '{id}'.",
        statusCode: StatusCodes.Status404NotFound);

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
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
