using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server.Door;

/// <summary>Door check-in: the public key that verifies ticket codes, and the door staff's scans, counts and offline lists.</summary>
public static class DoorApi
{
    public const int MaxGateLength = 40;
    public const int MaxBatchScans = 500;

    /// <summary>A frame of <see cref="QrFrames.MaxSide"/> squared grey pixels, and nothing larger.</summary>
    private const long MaxFrameBytes = QrFrames.MaxSide * QrFrames.MaxSide;

    public static WebApplicationBuilder AddDoor(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TicketSigningKey>();
        builder.Services.AddSingleton<Checkin>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDoorApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events/{id}/checkin-key", GetKey).WithTags("Door");

        var events = app.MapGroup("/api/events/{id}/checkin").WithTags("Door").RequireStaff(StaffPolicies.Door);
        events.MapGet("/revoked", GetRevoked);
        events.MapGet("/counts", GetCounts);

        var door = app.MapGroup("/api/checkin").WithTags("Door").RequireStaff(StaffPolicies.Door);
        door.MapPost("/", Scan);
        door.MapPost("/batch", ScanBatch);
        // No Accepts metadata: its content-type check runs in routing, before authorization, and would answer a stranger 415 instead of 401.
        door.MapPost("/decode", DecodeFrame).WithMetadata(new RequestSizeLimitAttribute(MaxFrameBytes));
        app.MapFallbackToFile("/door", "door.html");
        return app;
    }

    private static async Task<Results<Ok<CheckinKey>, ProblemHttpResult>> GetKey(string id, EventDesks desks, TicketSigningKey key)
    {
        if (!await IsEventAsync(id, desks))
            return EventsApi.EventNotFound(id);
        // One key per deployment signs every event's tickets; the event inside each code is what ties it to its event.
        return TypedResults.Ok(new CheckinKey(id, "ES256", Convert.ToBase64String(await key.PublicKeyAsync())));
    }

    private static async Task<Results<Ok<RevokedTickets>, ProblemHttpResult>> GetRevoked(string id, EventDesks desks, IBookingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await IsEventAsync(id, desks))
            return EventsApi.EventNotFound(id);
        var asOf = time.GetUtcNow();
        return TypedResults.Ok(new RevokedTickets(id, await store.RevokedTicketsAsync(id, cancellationToken), asOf));
    }

    private static async Task<Results<Ok<AdmissionCounts>, ProblemHttpResult>> GetCounts(string id, EventDesks desks, IBookingStore store, CancellationToken cancellationToken)
    {
        if (!await IsEventAsync(id, desks))
            return EventsApi.EventNotFound(id);
        var gates = await store.AdmissionsByGateAsync(id, cancellationToken);
        return TypedResults.Ok(new AdmissionCounts(id, gates.Sum(g => g.Admitted), gates.Select(g => new GateAdmissions(g.Gate, g.Admitted)).ToArray()));
    }

    private static async Task<Results<Ok<CheckinAnswer>, ValidationProblem>> Scan(CheckinRequest request, Checkin checkin, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateEvent(request.EventId, errors);
        ValidateScan(request.Code, request.Gate, "", errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await checkin.ScanAsync(request.EventId!, request.Code!.Trim(), request.Gate!.Trim(), null, cancellationToken));
    }

    private static async Task<Results<Ok<CheckinBatchAnswer>, ValidationProblem>> ScanBatch(CheckinBatchRequest request, Checkin checkin, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateEvent(request.EventId, errors);
        if (request.Scans is not { Count: > 0 and <= MaxBatchScans } scans)
        {
            errors["scans"] = [$"Send 1 to {MaxBatchScans} scans."];
            return TypedResults.ValidationProblem(errors);
        }
        for (var i = 0; i < scans.Count; i++)
        {
            ValidateScan(scans[i]?.Code, scans[i]?.Gate, $"scans[{i}].", errors);
            if (scans[i]?.ScannedAt is null)
                errors[$"scans[{i}].scannedAt"] = ["scannedAt is required: the time the door scanned the ticket."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        // In the order they were scanned, so a ticket scanned twice offline is admitted by its first scan
        // and its second reads as already admitted, as it did at the door.
        var answers = new CheckinAnswer[scans.Count];
        foreach (var (scan, i) in scans.Select((scan, i) => (scan, i)).OrderBy(s => s.scan.ScannedAt))
            answers[i] = await checkin.ScanAsync(request.EventId!, scan.Code!.Trim(), scan.Gate!.Trim(), scan.ScannedAt, cancellationToken);
        return TypedResults.Ok(new CheckinBatchAnswer(answers));
    }

    private static async Task<Results<Ok<DecodedFrame>, ProblemHttpResult>> DecodeFrame(HttpRequest request, int? width, int? height, CancellationToken cancellationToken)
    {
        if (width is not (>= QrFrames.MinSide and <= QrFrames.MaxSide) || height is not (>= QrFrames.MinSide and <= QrFrames.MaxSide))
            return BadFrame($"Give width and height from {QrFrames.MinSide} to {QrFrames.MaxSide} pixels in the query.");
        if (request.ContentLength != width * height)
            return BadFrame($"The body must be the frame's {width * height} grey levels, one byte per pixel, with a Content-Length.");
        var grey = new byte[width.Value * height.Value];
        try
        {
            await request.Body.ReadExactlyAsync(grey, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            return BadFrame("The body ended before the frame did.");
        }
        return QrFrames.Decode(grey, width.Value, height.Value) is { } code
            ? TypedResults.Ok(new DecodedFrame(code))
            : TypedResults.Problem(title: "No QR code found", detail: "No QR code could be read in this frame.", statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    private static ProblemHttpResult BadFrame(string detail) =>
        TypedResults.Problem(title: "Bad frame", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<bool> IsEventAsync(string id, EventDesks desks) =>
        EventCatalog.IsValidId(id) && await desks.DescribeAsync(id) is { Tutorial: false };

    private static void ValidateEvent(string? eventId, Dictionary<string, string[]> errors)
    {
        // Required rather than "any event": a door admits the guests of one event, and tonight's door must not
        // let in tomorrow's ticket.
        if (!EventCatalog.IsValidId(eventId))
            errors["eventId"] = ["eventId is required: the event this door admits guests to."];
    }

    private static void ValidateScan(string? code, string? gate, string prefix, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Trim().Length > TicketCodes.MaxLength)
            errors[prefix + "code"] = [$"code is required, at most {TicketCodes.MaxLength} characters: the text of the ticket's QR code."];
        if (string.IsNullOrWhiteSpace(gate) || gate.Trim().Length > MaxGateLength || gate.Any(char.IsControl))
            errors[prefix + "gate"] = [$"gate is required: a name of 1 to {MaxGateLength} characters, without control characters."];
    }
}
