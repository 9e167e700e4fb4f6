using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace BoxOffice.Server.Events;

public static partial class EventsApi
{
    /// <summary>Custom layouts of 100,000 seats are a few megabytes of JSON; everything else stays small.</summary>
    public const long MaxCreateBodyBytes = 16 * 1024 * 1024;
    public const int MaxLogPage = 1_000;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events");
        events.MapGet("/", ListEvents);
        events.MapGet("/{id}", GetSeatMap);
        events.MapGet("/{id}/layout", GetLayout);
        events.MapGet("/{id}/best-available", PreviewBestAvailable);
        events.MapPost("/", CreateEvent)
            .RequireStaff(StaffPolicies.Admin)
            .RequireRateLimiting(ClientLimits.EventCreation)
            .WithMetadata(new RequestSizeLimitAttribute(MaxCreateBodyBytes));
        events.MapPatch("/{id}", EditEvent)
            .RequireStaff(StaffPolicies.Admin)
            .WithMetadata(new RequestSizeLimitAttribute(MaxCreateBodyBytes));
        events.MapDelete("/{id}", DeleteEvent).RequireStaff(StaffPolicies.Admin);
        events.MapGet("/{id}/audit", Audit).RequireStaff(StaffPolicies.Admin);
        events.MapGet("/{id}/log", ReadLog).RequireStaff(StaffPolicies.BoxOffice);
        return app;
    }

    private static async Task<Ok<EventSummary[]>> ListEvents(IBookingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var listed = await store.ListEventsAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), forStaff: false, cancellationToken);
        return TypedResults.Ok(listed.Select(Summary).ToArray());
    }

    internal static EventSummary Summary(ListedEvent e) => Summary(e.Event.Id, new EventState(
        e.Event.Title, e.Event.Currency, e.Event.Prices, e.Event.SeatCount, e.Available, e.Held, e.Event.Details, e.Event.Sales));

    /// <summary>The seat map as encoded by the desk once per committed version, sent as it is.</summary>
    [ProducesResponseType<SeatMapView>(StatusCodes.Status200OK, "application/json")]
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetSeatMap(string id, EventDesks desks)
    {
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        var view = await desks.ReadAsync(id, new ReadSeatMapView());
        return view is null ? EventNotFound(id) : TypedResults.Bytes(view, "application/json");
    }

    /// <summary>
    /// The layout never changes, so a page that has it revalidates with <c>If-None-Match</c> and gets a 304 with no body.
    /// <c>no-cache</c> rather than a long max-age: an event id deleted and created again may bring another layout.
    /// </summary>
    [ProducesResponseType<EventLayoutView>(StatusCodes.Status200OK, "application/json")]
    private static async Task<IResult> GetLayout(string id, HttpContext http, EventDesks desks)
    {
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        if (await desks.ReadAsync(id, new ReadEventLayout()) is not { } layout)
            return EventNotFound(id);
        // Weak, as the same layout also travels compressed, byte for byte different.
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(layout).AsSpan(0, 16))}\"", isWeak: true);
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        var known = http.Request.GetTypedHeaders().IfNoneMatch;
        if (known.Any(tag => tag.Compare(etag, useStrongComparison: false) || tag.Equals(EntityTagHeaderValue.Any)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(layout, "application/json");
    }

    /// <summary>What a best-available request would get now, without holding anything; the page shows it before the buyer commits.</summary>
    private static async Task<Results<Ok<BestAvailableView>, ValidationProblem, ProblemHttpResult>> PreviewBestAvailable(
        string id, int count, string? category, bool? together, bool? wheelchair, EventDesks desks)
    {
        var errors = new Dictionary<string, string[]>();
        if (count is < 1 or > BookingsApi.MaxSeatsPerBooking)
            errors["count"] = [$"Count must be 1 to {BookingsApi.MaxSeatsPerBooking}."];
        if (wheelchair == true && count != 2)
            errors["wheelchair"] = ["A wheelchair request is for 2 seats: a wheelchair space and the companion seat beside it."];
        if (category is { Length: 0 or > LayoutParser.MaxCategoryLength })
            errors["category"] = [$"Category must be 1 to {LayoutParser.MaxCategoryLength} characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);

        var preview = await desks.SendAsync(id, new PreviewBestAvailableSeats(count, together ?? true, category, wheelchair ?? false));
        if (preview is null)
            return EventNotFound(id);
        if (preview.Seats is { } seats)
            return TypedResults.Ok(new BestAvailableView(seats));
        if (!preview.KnownCategory)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["category"] = [$"Event {id} has no category '{category}'."] });
        return TypedResults.Problem(
            title: preview.Title,
            detail: preview.Explain(count, category),
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["available"] = preview.Available, ["availableApart"] = preview.AvailableApart });
    }

    private static async Task<Results<Created<EventSummary>, ValidationProblem, ProblemHttpResult>> CreateEvent(
        CreateEventRequest request, HttpContext http, EventCatalog catalog, CancellationToken cancellationToken)
    {
        var (definition, layoutJson, errors) = EventCatalog.IsValidId(request.Id)
            ? EventForm.Validate(request.Id!, EventFields.From(request), null)
            : new EventForm.Outcome(null, null, new() { ["id"] = ["Id must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit."] });
        if (definition is { Sales.Status: not (EventStatus.Draft or EventStatus.OnSale) })
            errors["status"] = ["A new event is a draft or on sale."];
        if (definition is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (!await catalog.CreateAsync(definition, layoutJson!, http.Actor(), cancellationToken))
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

    private static async Task<Results<Ok<EventSummary>, ValidationProblem, ProblemHttpResult>> EditEvent(string id, CreateEventRequest request, HttpContext http, EventDesks desks)
    {
        if (request.Id is not null && request.Id != id)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["An event's id cannot change."] });
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        return await desks.SendAsync(id, new EditEvent(EventFields.From(request)) { Actor = http.Actor() }) switch
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

    /// <summary>A page of the event's log after <paramref name="after"/> (the <c>next</c> of the page before), oldest first.</summary>
    private static async Task<Results<Ok<EventLogPage>, ValidationProblem, ProblemHttpResult>> ReadLog(
        string id, string? after, int? limit, IBookingStore store, CancellationToken cancellationToken)
    {
        if (!EventCatalog.IsValidId(id))
            return EventNotFound(id);
        LogPosition? from = null;
        if (after is not null)
        {
            if (!LogPosition.TryParse(after, out var position))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Give the 'next' of the page before, such as 12.0."] });
            from = position;
        }
        if (limit is < 1 or > MaxLogPage)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"A page has 1 to {MaxLogPage} entries."] });
        var take = limit ?? 100;
        var entries = await store.ReadLogAsync(id, from, take, cancellationToken);
        return TypedResults.Ok(new EventLogPage(
            [.. entries.Select(e => new EventLogEntry(e.Position.ToString(), DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs), e.Actor, e.Action, e.Details))],
            entries.Count == take ? entries[^1].Position.ToString() : null));
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

/// <summary>
/// <c>GET /api/events/{id}/layout</c>: the layout in columns, without statuses. It is the same at every version, so
/// it is encoded once per loaded event, however many versions and requests pass.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReadEventLayout : DeskRead
{
    private static readonly ConditionalWeakTable<EventDefinition, byte[]> Encoded = [];

    protected override byte[] Encode(SeatMap map) => Encoded.GetValue(map.Event, Encode);

    /// <summary>The layout view of an event's definition; the console's preview draws one that is not an event yet.</summary>
    internal static byte[] Encode(EventDefinition definition)
    {
        var layout = definition.Layout;
        var sections = new List<string>();
        var rows = new List<LayoutRowView>();
        var seats = layout.Seats;
        var categories = layout.Categories.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        // Runs of consecutive seats that share a section, row and Y, so the rows keep seat-map order.
        for (var start = 0; start < seats.Count;)
        {
            var first = seats[start];
            var end = start + 1;
            while (end < seats.Count && seats[end].Section == first.Section && seats[end].Row == first.Row && seats[end].Y == first.Y)
                end++;
            if (sections.Count == 0 || sections[^1] != first.Section)
                sections.Add(first.Section);
            var run = Enumerable.Range(start, end - start).Select(i => seats[i]).ToArray();
            rows.Add(new LayoutRowView(
                sections.Count - 1,
                first.Row,
                first.Y,
                run.Select(seat => seat.Label).ToArray(),
                run.Select(seat => seat.X).ToArray(),
                run.Select(seat => categories[seat.Category]).ToArray(),
                run.Select(seat => (int)seat.Flags).ToArray()));
            start = end;
        }
        var view = new EventLayoutView(definition.Id, definition.Title, definition.Currency, definition.Prices, layout.Categories, sections, rows);
        return JsonSerializer.SerializeToUtf8Bytes(view, ServerJson.Default.EventLayoutView);
    }
}

/// <summary>The seats a best-available request would be given now, or why there are none; it holds nothing.</summary>
[GenerateSerializer, Immutable]
public sealed record PreviewBestAvailableSeats(int Count, bool Together, string? Category, bool Wheelchair) : DeskCommand<BestAvailablePreview>
{
    internal override bool IsRead => true;

    internal override BestAvailablePreview Decide(SeatMap map, BatchPlan plan)
    {
        if (Category is not null && !map.Layout.Categories.Contains(Category, StringComparer.Ordinal))
            return new BestAvailablePreview(null, 0, AvailableApart: false, Wheelchair, KnownCategory: false);
        var available = SeatPicker.CountEligible(map, Category);
        if (Wheelchair)
            return new BestAvailablePreview(Labels(map, SeatPicker.PickWheelchairPair(map, Category)), available, AvailableApart: false, Wheelchair: true);
        var (seats, _) = SeatSelection.Pick(map, Count, Together, Category);
        return new BestAvailablePreview(Labels(map, seats), available, seats is null && SeatPicker.PickNearest(map, Count, Category) is not null, Wheelchair: false);
    }

    private static string[]? Labels(SeatMap map, int[]? seats) => seats?.Select(seat => map.Layout.Seats[seat].Label).ToArray();
}

/// <summary>The seats found, or null with what is left: how many seats, and whether enough of them stand apart.</summary>
[GenerateSerializer, Immutable]
public sealed record BestAvailablePreview(IReadOnlyList<string>? Seats, int Available, bool AvailableApart, bool Wheelchair, bool KnownCategory = true)
{
    public string Title => Wheelchair ? "No wheelchair space" : Available == 0 ? "Sold out" : "Not enough seats together";

    /// <summary>Why there are no seats to offer, and what could be had instead.</summary>
    public string Explain(int count, string? category)
    {
        var scope = category is null ? "" : $" in {category}";
        if (Wheelchair)
            return $"No wheelchair space{scope} has a free companion seat beside it.";
        if (Available == 0)
            return category is null ? "There are no seats left." : $"There are no seats left in {category}.";
        if (AvailableApart)
            return $"No {count} seats together{scope}; {count} apart are available.";
        return $"Only {Available} seats are left{scope}.";
    }
}
