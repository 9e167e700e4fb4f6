using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Lab;

/// <summary>
/// Runs the race lab inside the server, one run at a time: for each strategy, fresh seats and the same rush of
/// buyers released at once, then the database's verdict. Followers see the run change as each strategy starts and ends.
/// </summary>
public sealed partial class LabRuns(
    RaceLab lab, EventCatalog catalog, EventDesks desks, IBookingStore store, IOptions<LabOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<LabRuns> logger)
{
    public const string Running = "running";
    private const int SeatsPerRow = 25;

    private readonly Lock _gate = new();
    private LabRun? _current;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LabOptions Options => options.Value;

    /// <summary>Starts a run in the background; null while another is running.</summary>
    public LabRun? TryStart(int seats, int buyers)
    {
        var run = new LabRun($"lab-{Guid.NewGuid():N}"[..16], seats, buyers, Running, null, [], null);
        lock (_gate)
        {
            if (_current is { Status: Running })
                return null;
            _current = run;
        }
        _ = Task.Run(() => RunAsync(run), CancellationToken.None);
        return run;
    }

    public async Task<LabRun?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        return current?.Id == id ? current : await lab.LoadRunAsync(id, cancellationToken);
    }

    /// <summary>The run as it stands, then again at every change, until it is over.</summary>
    public async IAsyncEnumerable<LabRun> FollowAsync(LabRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                // Read the snapshot and the change signal together, so no change slips between them.
                changed = _changed.Task;
                if (_current?.Id == run.Id)
                    run = _current;
            }
            yield return run;
            if (run.Status != Running)
                yield break;
            await changed.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync(LabRun run)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        try
        {
            // Only one run at a time in this process: a run still marked running was cut off when a process stopped.
            await lab.FinishRunAsync(null, "failed", "The server stopped during the run.", Now(), cancellationToken);
            await lab.StartRunAsync(run, Now(), cancellationToken);
            foreach (var strategy in RaceLab.Strategies)
            {
                Publish(run = run with { Running = strategy });
                var result = await RushAsync(run, strategy, cancellationToken);
                await lab.AddResultAsync(run.Id, run.Results.Count, result, cancellationToken);
                Publish(run = run with { Results = [.. run.Results, result] });
            }
            run = run with { Status = "done", Running = null };
        }
        catch (Exception error)
        {
            // A run is a background task with no caller to throw to: whatever stops it, it ends as failed rather than
            // staying "running" and refusing every later run.
            LogRunFailed(logger, error, run.Id);
            run = run with { Status = "failed", Running = null, Error = "The run stopped: the database or a desk was unavailable, or the server is stopping." };
        }
        finally
        {
            Publish(run);
        }
        await lab.FinishRunAsync(run.Id, run.Status, run.Error, Now(), CancellationToken.None);
    }

    private void Publish(LabRun run)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _current = run;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }

    private async Task<LabStrategyResult> RushAsync(LabRun run, string strategy, CancellationToken cancellationToken)
    {
        var eventId = $"{run.Id}-{strategy}";
        var (layout, layoutJson) = Venue(run.Seats);
        Func<int, Task<string?>> buy;
        if (strategy == "desk")
        {
            var definition = new EventDefinition(eventId, $"Race lab {run.Id}", layout, new Dictionary<string, long> { [LayoutParser.DefaultCategory] = 0 }, EventCatalog.DefaultCurrency)
            {
                Sales = EventSales.Open with { Listed = false },
            };
            await catalog.CreateAsync(definition, layoutJson, "race lab", cancellationToken);
            buy = index => BuyAtDeskAsync(eventId, index);
        }
        else
        {
            await lab.CreateSeatsAsync(eventId, [.. layout.Seats.Select(seat => seat.Label)], cancellationToken);
            buy = _ => lab.BookAsync(strategy, eventId, ManageTokens.NewReference(), cancellationToken);
        }

        var rush = await RushAsync(run.Buyers, buy);
        var tally = strategy == "desk" ? await DeskTallyAsync(eventId, rush.Seats, cancellationToken) : await lab.TallyAsync(eventId, cancellationToken);
        var anomalies = strategy == "desk"
            ? (await EventsApi.AuditAsync(eventId, store, desks, cancellationToken))!.Anomalies.Count
            : tally.LostUpdates + tally.DoubleBookedSeats;
        return new LabStrategyResult(strategy, tally.ToldSuccess, rush.Refused, rush.Errors, tally.SeatsClaimed, tally.LostUpdates,
            tally.DoubleBookedSeats, tally.UnsoldSeats, anomalies, rush.WallMs, rush.P99Ms);
    }

    /// <summary>
    /// A lab buyer at the real desk, as <c>POST /api/events/{id}/bookings</c> would send it. Each buyer is a client of its
    /// own without caps: one process plays them all, as the load tool does with <c>Limits:Enabled=false</c>.
    /// </summary>
    private async Task<string?> BuyAtDeskAsync(string eventId, int index)
    {
        var command = new BookBestAvailable([$"Buyer {index}"], true, null, ManageTokens.NewReference(), ManageTokens.Hash(ManageTokens.NewToken()), new Buyer($"lab-buyer-{index}", null));
        return await desks.SendAsync(eventId, command) is BookResult.Booked booked ? booked.Seats[0].Seat : null;
    }

    private async Task<LabTally> DeskTallyAsync(string eventId, IReadOnlyList<string> told, CancellationToken cancellationToken)
    {
        var audit = (await EventsApi.AuditAsync(eventId, store, desks, cancellationToken))!;
        var booked = audit.Counts["booked"];
        var doubles = told.GroupBy(seat => seat, StringComparer.Ordinal).Count(group => group.Count() > 1);
        return new LabTally(told.Count, booked, Math.Max(0, told.Count - booked), doubles, audit.Counts["available"]);
    }

    private sealed record Rush(IReadOnlyList<string> Seats, int Refused, int Errors, long WallMs, double P99Ms);

    /// <summary>Every buyer waits at one gate, so all of them are released at the same instant.</summary>
    private static async Task<Rush> RushAsync(int buyers, Func<int, Task<string?>> buy)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = new double[buyers];
        var seats = new string?[buyers];
        int refused = 0, errors = 0;
        var tasks = Enumerable.Range(0, buyers).Select(index => Task.Run(async () =>
        {
            await gate.Task;
            var started = Stopwatch.GetTimestamp();
            try
            {
                seats[index] = await buy(index);
                if (seats[index] is null)
                    Interlocked.Increment(ref refused);
            }
            catch (Exception error) when (error is SqliteException or DeskUnavailableException)
            {
                Interlocked.Increment(ref errors);
            }
            latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        })).ToArray();

        var clock = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(tasks);
        Array.Sort(latencies);
        var p99 = latencies[Math.Max(0, (int)Math.Ceiling(buyers * 0.99) - 1)];
        return new Rush([.. seats.OfType<string>()], refused, errors, clock.ElapsedMilliseconds, Math.Round(p99, 1));
    }

    /// <summary>Exactly <paramref name="seats"/> seats in rows of 25, as a custom layout the desk can load again from its JSON.</summary>
    private static (Layout Layout, string Json) Venue(int seats)
    {
        var rows = new JsonArray();
        for (var first = 0; first < seats; first += SeatsPerRow)
        {
            var row = rows.Count + 1;
            var labels = Enumerable.Range(1, Math.Min(SeatsPerRow, seats - first)).Select(seat => (JsonNode)new JsonObject { ["label"] = $"{row}-{seat}" });
            rows.Add(new JsonObject { ["name"] = $"{row}", ["seats"] = new JsonArray([.. labels]) });
        }
        var json = new JsonObject { ["sections"] = new JsonArray(new JsonObject { ["name"] = "Lab", ["rows"] = rows }) }.ToJsonString();
        using var document = JsonDocument.Parse(json);
        return (LayoutParser.Parse(document.RootElement).Layout!, json);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Race lab run {RunId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception error, string runId);
}
