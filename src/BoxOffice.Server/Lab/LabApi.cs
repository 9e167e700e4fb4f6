using BoxOffice.Contracts;
using BoxOffice.Server.Events;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Lab;

/// <summary>
/// The race lab, on only with <c>Lab:Enabled=true</c> and the SQLite store: admins start a run, which the server
/// rushes against every strategy itself, and follow it. The booking routes know nothing of it.
/// </summary>
public static partial class LabApi
{
    public static WebApplicationBuilder AddLab(this WebApplicationBuilder builder)
    {
        // The lab's strategies are written for SQLite's single writer; on PostgreSQL it stays off (MapLabApi says so).
        if (!builder.Configuration.Read<LabOptions>(LabOptions.Section).Enabled || builder.Configuration.Read<StorageOptions>(StorageOptions.Section).IsPostgres)
            return builder;
        builder.Services.AddOptions<LabOptions>()
            .BindConfiguration(LabOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new RaceLab(
            services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString,
            TimeSpan.FromMilliseconds(services.GetRequiredService<IOptions<LabOptions>>().Value.DelayMs)));
        builder.Services.AddSingleton<LabRuns>();
        return builder;
    }

    public static IEndpointRouteBuilder MapLabApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<LabRuns>() is null)
        {
            if (app.ServiceProvider.GetRequiredService<IConfiguration>().Read<LabOptions>(LabOptions.Section).Enabled)
                LogLabNeedsSqlite(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<RaceLab>());
            return app;
        }
        var runs = app.MapGroup("/api/lab/runs").WithTags("Race lab").RequireStaff(StaffPolicies.Admin);
        runs.MapPost("/", StartRun);
        runs.MapGet("/{id}", GetRun);
        runs.MapGet("/{id}/progress", FollowRun);
        app.MapFallbackToFile("/lab", "lab.html");
        return app;
    }

    private static Results<Accepted<LabRun>, ValidationProblem, ProblemHttpResult> StartRun(StartLabRunRequest request, LabRuns runs)
    {
        var (maxSeats, maxBuyers) = (runs.Options.MaxSeats, runs.Options.MaxBuyers);
        var errors = new Dictionary<string, string[]>();
        if (request.Seats is not { } seats || seats < 1 || seats > maxSeats)
            errors["seats"] = [$"Seats must be a whole number from 1 to {maxSeats}."];
        if (request.Buyers is not { } buyers || buyers < 1 || buyers > maxBuyers)
            errors["buyers"] = [$"Buyers must be a whole number from 1 to {maxBuyers}."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return runs.TryStart(request.Seats!.Value, request.Buyers!.Value) is { } run
            ? TypedResults.Accepted($"/api/lab/runs/{run.Id}", run)
            : TypedResults.Problem(title: "A run is under way", detail: "The lab runs one rush at a time; wait for the current run to finish.", statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<LabRun>, ProblemHttpResult>> GetRun(string id, LabRuns runs, CancellationToken cancellationToken) =>
        await FindAsync(id, runs, cancellationToken) is { } run ? TypedResults.Ok(run) : RunNotFound(id);

    /// <summary>The run as server-sent events: a <c>run</c> event with the whole run now, and again at every change until it is over.</summary>
    private static async Task<Results<ServerSentEventsResult<LabRun>, ProblemHttpResult>> FollowRun(string id, LabRuns runs, CancellationToken cancellationToken) =>
        await FindAsync(id, runs, cancellationToken) is { } run ? TypedResults.ServerSentEvents(runs.FollowAsync(run, cancellationToken), "run") : RunNotFound(id);

    private static async Task<LabRun?> FindAsync(string id, LabRuns runs, CancellationToken cancellationToken) =>
        EventCatalog.IsValidId(id) ? await runs.FindAsync(id, cancellationToken) : null;

    private static ProblemHttpResult RunNotFound(string id) =>
        TypedResults.Problem(title: "Run not found", detail: $"No race-lab run has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lab:Enabled is ignored: the race lab runs on the SQLite store only, and Storage:Provider is Postgres")]
    private static partial void LogLabNeedsSqlite(ILogger logger);
}
