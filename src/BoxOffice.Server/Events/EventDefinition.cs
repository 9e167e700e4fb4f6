using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Events;

/// <summary>
/// What an event is, apart from its seats' changing state: title, layout, prices per category, details and sales.
/// A <see cref="Tutorial"/> flight is reachable only through the tutorial's routes, and every other event never through them.
/// </summary>
public sealed record EventDefinition(
    string Id,
    string Title,
    Layout Layout,
    IReadOnlyDictionary<string, long> Prices,
    string Currency,
    bool Tutorial = false)
{
    public EventDetails Details { get; init; } = EventDetails.None;

    public EventSales Sales { get; init; } = EventSales.Open;

    /// <summary>Paid events sell through checkout (hold, pay, ticket); free ones book directly.</summary>
    public bool IsPaid => Prices.Values.Any(price => price > 0);
}
