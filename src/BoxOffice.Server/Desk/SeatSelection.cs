namespace BoxOffice.Server.Desk;

/// <summary>Turns a request into seat indexes against the seat map, or says why it cannot: shared by bookings and orders.</summary>
public static class SeatSelection
{
    /// <summary>Named seats, all of which must exist and be available now.</summary>
    public static (int[]? Seats, BookResult? Refusal) Resolve(SeatMap map, IReadOnlyList<string> labels)
    {
        var indexes = new int[labels.Count];
        List<string>? unknown = null;
        for (var i = 0; i < labels.Count; i++)
        {
            if (!map.Layout.TryGetIndex(labels[i], out indexes[i]))
                (unknown ??= []).Add(labels[i]);
        }
        if (unknown is not null)
            return (null, new BookResult.UnknownSeats(unknown));

        var seen = new HashSet<int>();
        var unavailable = indexes
            .Where(index => map.StatusOf(index) != SeatStatus.Available || !seen.Add(index))
            .Select(index => map.Layout.Seats[index].Label)
            .ToArray();
        return unavailable.Length > 0 ? (null, new BookResult.Unavailable(unavailable)) : (indexes, null);
    }

    /// <summary>The best <paramref name="count"/> seats: adjacent in one row if possible, otherwise, unless <paramref name="together"/>, the nearest.</summary>
    public static (int[]? Seats, BookResult? Refusal) Pick(SeatMap map, int count, bool together, string? category)
    {
        var seats = SeatPicker.PickTogether(map, count, category)
            ?? (together ? null : SeatPicker.PickNearest(map, count, category));
        return seats is null ? (null, new BookResult.NotEnough(SeatPicker.CountEligible(map, category))) : (seats, null);
    }
}
