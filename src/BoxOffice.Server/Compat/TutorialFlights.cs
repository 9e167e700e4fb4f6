using System.Text.RegularExpressions;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Compat;

/// <summary>
/// The tutorial's flights: found by id, or created on first use within bounds. A new flight costs its
/// client a permit of <see cref="ClientQuotas.FlightCreation"/>, and past <see cref="CompatOptions.MaxFlights"/>
/// the oldest flight nobody sits on makes room. An id taken by any other event is never a flight.
/// </summary>
public sealed partial class TutorialFlights(
    EventCatalog catalog, EventDesks desks, ClientQuotas quotas, IOptions<CompatOptions> compat, IOptions<LimitsOptions> limits)
{
    private readonly Dictionary<string, Task<FlightCreation>> _creating = new(StringComparer.Ordinal);

    public static bool IsValidId(string? flightId) => flightId is not null && IdPattern().IsMatch(flightId);

    /// <summary>
    /// Makes <paramref name="call"/> to the flight's desk, first creating the flight if it does not exist yet. A
    /// request for an existing flight costs one call to its desk and nothing more; <c>Answer</c> is set when found.
    /// </summary>
    public async Task<(FlightLookup Lookup, T? Answer)> UseAsync<T>(string flightId, string client, Func<Task<(bool Exists, T? Result)>> call) where T : class
    {
        var (exists, answer) = await call();
        if (answer is not null)
            return (new FlightLookup.Found(), answer);
        // The id belongs to another event, which the tutorial's routes never show: that costs no creation.
        if (exists)
            return (new FlightLookup.NotFound(), null);
        var (creation, retryAfter) = await CreateAsync(flightId, client);
        if (creation is null)
            return (new FlightLookup.RateLimited(retryAfter), null);
        if (creation.Outcome == FlightOutcome.Full)
            return (new FlightLookup.Full(), null);
        // Made now, or by another request a moment ago; null only if newer flights pushed it out already, or the id is another event's.
        return (await call()).Result is { } made
            ? (new FlightLookup.Found(), made)
            : (creation.Outcome == FlightOutcome.Created ? new FlightLookup.PushedOut() : new FlightLookup.NotFound(), null);
    }

    /// <summary>
    /// Creates the flight, or joins its creation if another request of this process is making it: a crowd on a
    /// new flight costs one insert, and only the first of them a share of its quota. No creation when the quota is spent.
    /// </summary>
    private async Task<(FlightCreation? Creation, TimeSpan RetryAfter)> CreateAsync(string flightId, string client)
    {
        Task<FlightCreation>? running;
        TaskCompletionSource<FlightCreation>? mine = null;
        lock (_creating)
        {
            if (!_creating.TryGetValue(flightId, out running))
            {
                if (!quotas.FlightCreation.TryTake(client, out var retryAfter))
                    return (null, retryAfter);
                mine = new TaskCompletionSource<FlightCreation>(TaskCreationOptions.RunContinuationsAsynchronously);
                _creating[flightId] = mine.Task;
            }
        }
        if (mine is null)
            return (await running!, TimeSpan.Zero);
        try
        {
            var maxFlights = limits.Value.Enabled ? compat.Value.MaxFlights : (int?)null;
            var creation = await catalog.CreateFlightAsync(flightId, maxFlights, CancellationToken.None);
            if (creation.Evicted is { } evicted)
                await desks.RetireAsync(evicted);
            mine.SetResult(creation);
            return (creation, TimeSpan.Zero);
        }
        catch (Exception error)
        {
            mine.SetException(error);
            throw;
        }
        finally
        {
            lock (_creating)
                _creating.Remove(flightId);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex IdPattern();
}

public abstract record FlightLookup
{
    public sealed record Found : FlightLookup;

    /// <summary>No flight has the id, and none can: another event has it.</summary>
    public sealed record NotFound : FlightLookup;

    /// <summary>The client has created its share of new flights for now.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter) : FlightLookup;

    /// <summary>Every flight up to the bound has passengers, so none can make room.</summary>
    public sealed record Full : FlightLookup;

    /// <summary>The flight was made, and newer flights pushed it out past the bound before it could be used.</summary>
    public sealed record PushedOut : FlightLookup;
}
