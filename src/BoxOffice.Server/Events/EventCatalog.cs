using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Events;

/// <summary>Creates events and turns stored rows back into definitions.</summary>
public sealed partial class EventCatalog(IBookingStore store, TimeProvider time)
{
    public const int MaxTitleLength = 200;
    public const string DefaultCurrency = "EUR";
    private const string A320LayoutJson = """{"template":"a320"}""";

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public async Task<bool> CreateAsync(EventDefinition definition, string layoutJson, CancellationToken cancellationToken)
    {
        var blocked = definition.Layout.Seats.Count(seat => seat.Flags.HasFlag(SeatFeatures.Blocked));
        var row = new EventRow(
            definition.Id,
            definition.Title,
            layoutJson,
            definition.Prices,
            definition.Currency,
            definition.Layout.Count,
            definition.Layout.Count - blocked,
            Version: 0,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        return await store.CreateEventAsync(row, cancellationToken);
    }

    /// <summary>The tutorial creates a flight on first use: an A320 with free seating.</summary>
    public Task EnsureFlightAsync(string flightId, CancellationToken cancellationToken)
    {
        var definition = new EventDefinition(
            flightId,
            $"Flight {flightId}",
            Templates.A320(),
            new Dictionary<string, long> { [LayoutParser.DefaultCategory] = 0 },
            DefaultCurrency);
        return CreateAsync(definition, A320LayoutJson, cancellationToken);
    }

    public static EventDefinition ToDefinition(EventRow row)
    {
        using var document = JsonDocument.Parse(row.LayoutJson);
        var parsed = LayoutParser.Parse(document.RootElement);
        var layout = parsed.Layout ?? throw new InvalidDataException($"Stored layout of event {row.Id} is invalid: {string.Join(" ", parsed.Errors)}");
        return new EventDefinition(row.Id, row.Title, layout, row.Prices, row.Currency);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
