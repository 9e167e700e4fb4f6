using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Events;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server.Admin;

/// <summary>The organiser's console: the page at <c>/admin</c>, and the two reads it needs beyond the events API.</summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console");
        // Box-office staff see what sells; only admins make events, so only they preview layouts.
        console.MapGet("/events", ListEvents).RequireStaff(StaffPolicies.BoxOffice);
        console.MapPost("/layout-preview", PreviewLayout)
            .RequireStaff(StaffPolicies.Admin)
            .WithMetadata(new RequestSizeLimitAttribute(EventsApi.MaxCreateBodyBytes));
        app.MapFallbackToFile("/admin", "admin.html");
        return app;
    }

    private static async Task<Ok<ConsoleEvent[]>> ListEvents(IBookingStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var listed = await store.ListEventsAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), forStaff: true, cancellationToken);
        return TypedResults.Ok(listed.Select(e =>
        {
            var takings = e.Takings!;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["available"] = e.Available,
                ["held"] = e.Held + takings.HeldByStaff,
                ["booked"] = takings.Booked,
                // What is left: seats blocked in the layout, or by staff, have no count of their own.
                ["blocked"] = e.Event.SeatCount - e.Available - e.Held - takings.HeldByStaff - takings.Booked,
            };
            return new ConsoleEvent(EventsApi.Summary(e), counts, takings.Revenue);
        }).ToArray());
    }

    /// <summary>
    /// The layout view a layout document would make (as <c>GET /api/events/{id}/layout</c> has it, every price 0),
    /// so the console draws a new event before it exists, with the server's own parser and limits.
    /// </summary>
    [ProducesResponseType<EventLayoutView>(StatusCodes.Status200OK, "application/json")]
    private static Results<FileContentHttpResult, ValidationProblem> PreviewLayout(JsonElement layout)
    {
        var parsed = LayoutParser.Parse(layout);
        if (parsed.Layout is not { } valid)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["layout"] = [.. parsed.Errors] });
        var definition = new EventDefinition("preview", "Preview", valid, valid.Categories.ToDictionary(category => category, _ => 0L), EventCatalog.DefaultCurrency);
        return TypedResults.Bytes(ReadEventLayout.Encode(definition), "application/json");
    }
}
