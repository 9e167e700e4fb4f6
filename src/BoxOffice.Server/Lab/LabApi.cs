using BoxOffice.Contracts;
using BoxOffice.Server.Admin;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;

namespace BoxOffice.Server.Lab;

/// <summary>The race lab, on only with <c>Lab:Enabled=true</c>: lab events, and bookings with a <c>"mode"</c>.</summary>
public static partial class LabApi
{
    public const int MaxLabSeats = 5_000;
    private const int SeatsPerRow = 25;

    public static WebApplicationBuilder AddLab(this WebApplicationBuilder builder)
    {
        // The lab's strategies are written for SQLite's single writer; on PostgreSQL it stays off (MapLabApi says so).
        if (!builder.Configuration.GetValue("Lab:Enabled", false) || StorageExtensions.IsPostgres(builder.Configuration))
            return builder;
        builder.Services.AddSingleton(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var connectionString = configuration.GetConnectionString("BoxOffice") ?? StorageExtensions.DefaultConnectionString;
            return new RaceLab(connectionString, TimeSpan.FromMilliseconds(configuration.GetValue("Lab:DelayMs", 2)));
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapLabApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<RaceLab>() is null)
        {
            var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
            if (configuration.GetValue("Lab:Enabled", false))
                LogLabNeedsSqlite(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<RaceLab>());
            return app;
        }
        var lab = app.MapGroup("/api/lab/events").WithTags("Race lab").RequireAdmin();
        lab.MapPost("/", CreateLabEvent);
        lab.MapGet("/{id}", GetResult);
        app.MapFallbackToFile("/lab", "lab.html");
        return app;
    }

    private static async Task<Results<Created<LabResult>, ValidationProblem, ProblemHttpResult>> CreateLabEvent(
        CreateLabEventRequest request, EventCatalog catalog, RaceLab lab, CancellationToken cancellationToken)
    {
        var id = request.Id ?? $"lab-{Guid.NewGuid():N}"[..16];
        if (!EventCatalog.IsValidId(id) || request.Seats is not (>= 1 and <= MaxLabSeats))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["seats"] = [$"Give a valid id and 1 to {MaxLabSeats} seats."] });
        var layout = Templates.Stadium(1, (request.Seats.Value + SeatsPerRow - 1) / SeatsPerRow, Math.Min(request.Seats.Value, SeatsPerRow));
        var labels = layout.Seats.Take(request.Seats.Value).Select(seat => seat.Label).ToArray();
        var definition = new EventDefinition(id, $"Race lab {id}", layout, new Dictionary<string, long> { [LayoutParser.DefaultCategory] = 0 }, EventCatalog.DefaultCurrency);
        var layoutJson = $$"""{"template":"stadium","sections":1,"rows":{{layout.Rows.Count}},"seatsPerRow":{{Math.Min(request.Seats.Value, SeatsPerRow)}}}""";
        if (!await catalog.CreateAsync(definition, layoutJson, cancellationToken))
            return TypedResults.Problem(title: "Event already exists", statusCode: StatusCodes.Status409Conflict);
        await lab.CreateSeatsAsync(id, labels, cancellationToken);
        return TypedResults.Created($"/api/lab/events/{id}", (await lab.ResultAsync(id, cancellationToken))!);
    }

    private static async Task<Results<Ok<LabResult>, ProblemHttpResult>> GetResult(string id, RaceLab lab, CancellationToken cancellationToken) =>
        await lab.ResultAsync(id, cancellationToken) is { } result ? TypedResults.Ok(result) : EventsApi.EventNotFound(id);

    /// <summary>A booking with a lab mode: one seat by the chosen strategy, answered as a normal booking would be.</summary>
    internal static async Task<Results<Created<BookingResponse>, ValidationProblem, ProblemHttpResult>> BookAsync(
        RaceLab? lab, string eventId, BookingRequest request, CancellationToken cancellationToken)
    {
        if (lab is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mode"] = ["Booking modes are part of the race lab; start the server with Lab:Enabled=true on the SQLite store."] });
        if (!RaceLab.Modes.Contains(request.Mode) || request.Count != 1 || request.Names is not [var given] || !PersonNames.TryNormalize(given, out var name))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mode"] = ["Lab modes take {\"count\":1,\"names\":[name],\"mode\":\"naive|occ|lock|desk\"}."] });

        var holder = ManageTokens.NewReference();
        string? seat;
        try
        {
            seat = await lab.BookAsync(request.Mode!, eventId, holder, cancellationToken);
        }
        catch (SqliteException error)
        {
            throw new DeskUnavailableException("The lab's database was busy.", error);
        }
        return seat is null
            ? TypedResults.Problem(title: "Not booked", detail: $"The {request.Mode} strategy found no seat it could take.", statusCode: StatusCodes.Status409Conflict)
            : TypedResults.Created($"/api/lab/events/{eventId}", new BookingResponse(holder, "", eventId, [new BookedSeat(seat, name)]));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lab:Enabled is ignored: the race lab runs on the SQLite store only, and Storage:Provider is Postgres")]
    private static partial void LogLabNeedsSqlite(ILogger logger);
}
