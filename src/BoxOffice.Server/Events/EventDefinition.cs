namespace BoxOffice.Server.Events;

/// <summary>What an event is, apart from its seats' changing state: title, venue and prices per category.</summary>
public sealed record EventDefinition(
    string Id,
    string Title,
    Layout Layout,
    IReadOnlyDictionary<string, long> Prices,
    string Currency);
