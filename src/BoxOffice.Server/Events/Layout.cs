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
/// Where a venue's best seats are, in drawing coordinates, and how much distance along each axis
/// costs: the front of a plane, the centre line of a stadium, the sweet spot of a cinema.
/// </summary>
public readonly record struct SeatFocus(double X, double Y, double WeightX, double WeightY);

/// <summary>
/// The immutable shape of an event's venue: its seats in drawing order, a label index, its rows,
/// and how good each seat is. Seats are addressed by their position in <see cref="Seats"/>.
/// </summary>
public sealed class Layout
{
    public const int MaxSeats = 100_000;

    private readonly FrozenDictionary<string, int> _indexByLabel;

    public Layout(IReadOnlyList<SeatDefinition> seats, SeatFocus? focus = null)
    {
        Seats = seats;
        _indexByLabel = seats
            .Select((seat, index) => KeyValuePair.Create(seat.Label, index))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Categories = seats.Select(s => s.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        var centre = seats.Count == 0 ? 0 : (seats.Min(s => s.X) + seats.Max(s => s.X)) / 2.0;
        var (fx, fy, wx, wy) = focus ?? new SeatFocus(centre, 0, 1, 1);
        Scores = seats.Select(s => Math.Abs(s.X - fx) * wx + Math.Abs(s.Y - fy) * wy).ToArray();

        var rows = new List<int[]>();
        var rowOf = new int[seats.Count];
        foreach (var row in Enumerable.Range(0, seats.Count).GroupBy(i => (seats[i].Section, seats[i].Row)))
        {
            foreach (var seat in row)
                rowOf[seat] = rows.Count;
            rows.Add(row.OrderBy(i => seats[i].X).ToArray());
        }
        Rows = rows;
        RowOf = rowOf;
        RowBestScores = rows.Select(row => row.Min(i => Scores[i])).ToArray();
        RowsByPreference = Enumerable.Range(0, rows.Count).OrderBy(r => RowBestScores[r]).ToArray();
    }

    /// <summary>Distance of each seat from the focus; lower is better.</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>Each row's seats, left to right. Neighbours one X apart sit together; a gap is an aisle.</summary>
    public IReadOnlyList<int[]> Rows { get; }

    public IReadOnlyList<int> RowOf { get; }

    public IReadOnlyList<double> RowBestScores { get; }

    /// <summary>Rows ordered by their best seat, so a search can stop once no row can beat what it found.</summary>
    public IReadOnlyList<int> RowsByPreference { get; }

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
