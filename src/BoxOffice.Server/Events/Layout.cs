using System.Collections.Frozen;

namespace BoxOffice.Server.Events;

[Flags]
public enum SeatFeatures : byte
{
    None = 0,
    Window = 1,
    Aisle = 2,
    Accessible = 4,
    Blocked = 8,
}

/// <summary>One seat of a layout. X and Y are drawing coordinates in seat units; gaps in X are aisles.</summary>
public readonly record struct SeatDefinition(
    string Label,
    string Section,
    string Row,
    string Category,
    SeatFeatures Flags,
    int X,
    int Y);

/// <summary>
/// The immutable shape of an event's venue: its seats in drawing order and a label index.
/// Seats are addressed by their position in <see cref="Seats"/> everywhere inside the server.
/// </summary>
public sealed class Layout
{
    public const int MaxSeats = 100_000;

    private readonly FrozenDictionary<string, int> _indexByLabel;

    public Layout(IReadOnlyList<SeatDefinition> seats)
    {
        Seats = seats;
        _indexByLabel = seats
            .Select((seat, index) => KeyValuePair.Create(seat.Label, index))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Categories = seats.Select(s => s.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<SeatDefinition> Seats { get; }

    public IReadOnlyList<string> Categories { get; }

    public int Count => Seats.Count;

    public bool TryGetIndex(string label, out int index) => _indexByLabel.TryGetValue(label, out index);

    /// <summary>Flag names for JSON, precomputed for every combination so a 100,000-seat map allocates none.</summary>
    public static IReadOnlyList<string> FlagNames(SeatFeatures flags) => FlagNamesByValue[(int)flags];

    private static readonly IReadOnlyList<string>[] FlagNamesByValue = Enumerable.Range(0, 16)
        .Select(value => (IReadOnlyList<string>)Enum.GetValues<SeatFeatures>()
            .Where(flag => flag != SeatFeatures.None && ((SeatFeatures)value).HasFlag(flag))
            .Select(flag => flag.ToString().ToLowerInvariant())
            .ToArray())
        .ToArray();
}
