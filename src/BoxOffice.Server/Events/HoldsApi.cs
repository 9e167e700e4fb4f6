using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Staff;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BoxOffice.Server.Events;

/// <summary>Holds and kills: seats staff keep back from public sale, released to sale in one action.</summary>
public static partial class HoldsApi
{
    public const int MaxSeatsPerRequest = 1_000;

    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        var holds = app.MapGroup("/api/events/{id}/holds").WithTags("Holds");
        holds.MapGet("/", ListHolds).RequireStaff(StaffPolicies.BoxOffice);
        holds.MapPost("/", KeepBack).RequireStaff(StaffPolicies.Admin);
        holds.MapPost("/{name}/release", Release).RequireStaff(StaffPolicies.Admin);
        return app;
    }

    private static async Task<Results<Ok<HoldView[]>, ProblemHttpResult>> ListHolds(string id, EventDesks desks) =>
        EventCatalog.IsValidId(id) && await desks.SendAsync(id, new ListHolds()) is { } holds
            ? TypedResults.Ok(holds.Select(View).ToArray())
            : EventsApi.EventNotFound(id);

    private static async Task<Results<Ok<HoldView>, ValidationProblem, ProblemHttpResult>> KeepBack(string id, HoldRequest request, HttpContext http, EventDesks desks)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ValidName(request.Name, errors);
        if (request.Seats is not { Count: > 0 and <= MaxSeatsPerRequest } seats || seats.Any(seat => seat is null || seat.Length > LayoutParser.MaxLabelLength))
            errors["seats"] = [$"Give 1 to {MaxSeatsPerRequest} seat labels."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return Answer(id, await SendAsync(id, desks, new KeepBack(name!, request.Seats!, request.Blocked ?? false) { Actor = http.Actor() }));
    }

    private static async Task<Results<Ok<HoldView>, ValidationProblem, ProblemHttpResult>> Release(string id, string name, ReleaseHoldRequest? request, HttpContext http, EventDesks desks)
    {
        var errors = new Dictionary<string, string[]>();
        var hold = ValidName(name, errors);
        if (request?.Seats is { } seats && (seats.Count > MaxSeatsPerRequest || seats.Any(seat => seat is null || seat.Length > LayoutParser.MaxLabelLength)))
            errors["seats"] = [$"Give at most {MaxSeatsPerRequest} seat labels, or none for every seat of the hold."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return Answer(id, await SendAsync(id, desks, new ReleaseHold(hold!, request?.Seats) { Actor = http.Actor() }));
    }

    private static Task<StaffHoldResult?> SendAsync(string id, EventDesks desks, DeskCommand<StaffHoldResult> command) =>
        EventCatalog.IsValidId(id) ? desks.SendAsync(id, command) : Task.FromResult<StaffHoldResult?>(null);

    private static Results<Ok<HoldView>, ValidationProblem, ProblemHttpResult> Answer(string id, StaffHoldResult? result) => result switch
    {
        null => EventsApi.EventNotFound(id),
        StaffHoldResult.Changed changed => TypedResults.Ok(View(changed.Hold)),
        StaffHoldResult.Refused refused => BookingsApi.Refusal(id, refused.Reason),
        _ => throw new InvalidOperationException($"Unexpected result {result}."),
    };

    private static HoldView View(StaffHold hold) => new(hold.Name, hold.Held, hold.Blocked);

    private static string? ValidName(string? name, Dictionary<string, string[]> errors)
    {
        var normalized = name?.Trim().ToLowerInvariant();
        if (normalized is not null && NamePattern().IsMatch(normalized))
            return normalized;
        errors["name"] = ["Name the hold with 1 to 40 letters, digits, '-' or '_', such as \"press\"."];
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();
}
