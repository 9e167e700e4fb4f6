namespace BoxOffice.Server.Events;

/// <summary>What an event is, apart from its seats' changing state: title, venue and prices per category.</summary>
public sealed record EventDefinition(
    string Id,
    string Title,
    Layout Layout,
    IReadOnlyDictionary<string, long> Prices,
    string Currency)
{
    /// <summary>Paid events sell through checkout (hold, pay, ticket); free ones book directly.</summary>
    public bool IsPaid => Prices.Values.Any(price => price > 0);
}
