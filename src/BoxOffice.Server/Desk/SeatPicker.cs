using BoxOffice.Server.Events;

namespace BoxOffice.Server.Desk;

/// <summary>
/// Chooses seats for "best N" requests. It runs inside the desk's single writer, so concurrent
/// requests never pick the same seat and none of them has to retry.
/// </summary>
public static class SeatPicker
{
    /// <summary>Costs more than any distance, so a block that strands a single seat wins only when nothing else fits.</summary>
    private const double OrphanPenalty = 1_000_000;

    /// <summary>
    /// Costs more than any distance, so a companion takes another wheelchair space only when no ordinary seat is
    /// beside a free space: the spaces are kept for the wheelchair users who need them.
    /// </summary>
    private const double SpaceAsCompanionPenalty = 1_000_000;

    /// <summary>The best block of <paramref name="count"/> adjacent available seats in one row, or null.</summary>
    public static int[]? PickTogether(SeatMap map, int count, string? category)
    {
        var layout = map.Layout;
        int[]? bestRow = null;
        var bestStart = 0;
        var bestScore = double.MaxValue;
        foreach (var rowIndex in layout.RowsByPreference)
        {
            var row = layout.Rows[rowIndex];
            // Rows come best first: once a row's best seat is worse than the block found, no later row can win.
            if (layout.RowBestScores[rowIndex] > bestScore)
                break;
            if (map.ClaimableInRow(rowIndex) < count)
                continue;

            var runStart = 0;
            for (var i = 0; i <= row.Length; i++)
            {
                var continues = i < row.Length && Eligible(map, row[i], category)
                    && (i == runStart || layout.Seats[row[i]].X == layout.Seats[row[i - 1]].X + 1);
                if (continues)
                    continue;
                // row[runStart..i) is a run of neighbours; try every block of `count` inside it.
                for (var start = runStart; start + count <= i; start++)
                {
                    var score = BlockScore(layout, row, start, count);
                    if (start - runStart == 1 || i - (start + count) == 1)
                        score += OrphanPenalty;
                    if (score < bestScore)
                        (bestRow, bestStart, bestScore) = (row, start, score);
                }
                runStart = i < row.Length && Eligible(map, row[i], category) ? i : i + 1;
            }
        }
        return bestRow?[bestStart..(bestStart + count)];
    }

    /// <summary>
    /// The best wheelchair space (an accessible seat) with an available companion seat right beside it in the same
    /// row, as [space, companion]; null when no space has one. Both are in <paramref name="category"/> when one is given.
    /// </summary>
    public static int[]? PickWheelchairPair(SeatMap map, string? category)
    {
        var layout = map.Layout;
        int[]? best = null;
        var bestScore = double.MaxValue;
        foreach (var rowIndex in layout.RowsByPreference)
        {
            // A pair's score is at least its row's best seat, so once that is worse than the pair found, no later row can win.
            if (layout.RowBestScores[rowIndex] > bestScore)
                break;
            var row = layout.Rows[rowIndex];
            for (var i = 0; i < row.Length; i++)
            {
                if (!IsWheelchairSpace(layout, row[i]) || !Eligible(map, row[i], category))
                    continue;
                foreach (var j in (ReadOnlySpan<int>)[i - 1, i + 1])
                {
                    if (j < 0 || j >= row.Length || Math.Abs(layout.Seats[row[j]].X - layout.Seats[row[i]].X) != 1 || !Eligible(map, row[j], category))
                        continue;
                    var score = (layout.Scores[row[i]] + layout.Scores[row[j]]) / 2;
                    if (IsWheelchairSpace(layout, row[j]))
                        score += SpaceAsCompanionPenalty;
                    if (score < bestScore)
                        (best, bestScore) = ([row[i], row[j]], score);
                }
            }
        }
        return best;
    }

    /// <summary>The <paramref name="count"/> best available seats wherever they are, or null if there are not enough.</summary>
    public static int[]? PickNearest(SeatMap map, int count, string? category)
    {
        var available = Enumerable.Range(0, map.Layout.Count)
            .Where(seat => Eligible(map, seat, category))
            .OrderBy(seat => map.Layout.Scores[seat])
            .Take(count)
            .ToArray();
        return available.Length == count ? available : null;
    }

    public static int CountEligible(SeatMap map, string? category) => category is null
        ? map.Count(SeatStatus.Available)
        : Enumerable.Range(0, map.Layout.Count).Count(seat => Eligible(map, seat, category));

    private static bool Eligible(SeatMap map, int seat, string? category) =>
        map.StatusOf(seat) == SeatStatus.Available && (category is null || map.Layout.Seats[seat].Category == category);

    private static bool IsWheelchairSpace(Layout layout, int seat) => layout.Seats[seat].Flags.HasFlag(SeatFeatures.Accessible);

    private static double BlockScore(Layout layout, int[] row, int start, int count)
    {
        var total = 0.0;
        for (var i = start; i < start + count; i++)
            total += layout.Scores[row[i]];
        return total / count;
    }
}
