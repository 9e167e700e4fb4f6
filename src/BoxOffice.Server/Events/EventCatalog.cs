using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Events;

/// <summary>Creates events and turns stored rows back into definitions.</summary>
public sealed partial class EventCatalog(IBookingStore store, TimeProvider time)
{
    public const string DefaultCurrency = "EUR";
    private const string A320LayoutJson = """{"template":"a320"}""";

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public Task<bool> CreateAsync(EventDefinition definition, string layoutJson, string actor, CancellationToken cancellationToken) =>
        store.CreateEventAsync(ToRow(definition, layoutJson), actor, cancellationToken);

    /// <summary>
    /// The tutorial creates a flight on first use: an A320 with free seating, marked as a tutorial flight. With
    /// <paramref name="maxFlights"/>, past that many flights the oldest one nobody sits on makes room, or none is created.
    /// </summary>
    public async Task<FlightCreation> CreateFlightAsync(string flightId, int? maxFlights, CancellationToken cancellationToken)
    {
        var definition = new EventDefinition(
            flightId,
            $"Flight {flightId}",
            Templates.A320(),
            new Dictionary<string, long> { [LayoutParser.DefaultCategory] = 0 },
            DefaultCurrency,
            Tutorial: true)
        {
            // Flights are made by whoever asks for one; no list shows them.
            Sales = EventSales.Open with { Listed = false },
        };
        var row = ToRow(definition, A320LayoutJson);
        if (maxFlights is { } max)
            return await store.CreateFlightAsync(row, max, cancellationToken);
        return new FlightCreation(await store.CreateEventAsync(row, BookingStore.TutorialActor, cancellationToken) ? FlightOutcome.Created : FlightOutcome.IdTaken);
    }

    private EventRow ToRow(EventDefinition definition, string layoutJson)
    {
        var blocked = definition.Layout.Seats.Count(seat => seat.Flags.HasFlag(SeatFeatures.Blocked));
        return new EventRow(
            definition.Id,
            definition.Title,
            layoutJson,
            definition.Prices,
            definition.Currency,
            definition.Layout.Count,
            definition.Layout.Count - blocked,
            Version: 0,
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            definition.Tutorial)
        {
            Details = definition.Details,
            Sales = definition.Sales,
        };
    }

    public static EventDefinition ToDefinition(EventRow row) =>
        new(row.Id, row.Title, ParseLayout(row.Id, row.LayoutJson), row.Prices, row.Currency, row.Tutorial) { Details = row.Details, Sales = row.Sales };

    /// <summary>A stored layout; it was validated when the event was created.</summary>
    public static Layout ParseLayout(string eventId, string layoutJson)
    {
        using var document = JsonDocument.Parse(layoutJson);
        var parsed = LayoutParser.Parse(document.RootElement);
        return parsed.Layout ?? throw new InvalidDataException($"Stored layout of event {eventId} is invalid: {string.Join(" ", parsed.Errors)}");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
