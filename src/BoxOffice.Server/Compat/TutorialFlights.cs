using System.Text.RegularExpressions;
using BoxOffice.Server.Booking;
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
    EventCatalog catalog, BookingDesks desks, ClientQuotas quotas, IOptions<CompatOptions> compat, IOptions<LimitsOptions> limits)
{
    public static bool IsValidId(string? flightId) => flightId is not null && IdPattern().IsMatch(flightId);

    /// <summary>Whether the flight exists now, created by this call or before; a request for an existing flight costs nothing.</summary>
    public async Task<FlightLookup> FindOrCreateAsync(string flightId, string client, CancellationToken cancellationToken)
    {
        if (await desks.FindAsync(flightId, cancellationToken) is { } desk)
            return Found(desk);
        if (!quotas.FlightCreation.TryTake(client, out var retryAfter))
            return new FlightLookup.RateLimited(retryAfter);

        var maxFlights = limits.Value.Enabled ? compat.Value.MaxFlights : (int?)null;
        var creation = await catalog.CreateFlightAsync(flightId, maxFlights, cancellationToken);
        if (creation.Evicted is { } evicted)
            desks.Retire(evicted);
        return creation.Outcome switch
        {
            FlightOutcome.Created => new FlightLookup.Found(),
            FlightOutcome.Full => new FlightLookup.Full(),
            // Another request made the flight first, or the id belongs to another event.
            _ => Found(await desks.FindAsync(flightId, cancellationToken)),
        };
    }

    private static FlightLookup Found(BookingDesk? desk) =>
        desk is { Definition.Tutorial: true } ? new FlightLookup.Found() : new FlightLookup.NotFound();

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
}
