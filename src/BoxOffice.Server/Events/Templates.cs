using System.Globalization;

namespace BoxOffice.Server.Events;

/// <summary>The built-in venues. Each returns seats in drawing order: front to back, left to right.</summary>
public static class Templates
{
    private const string Standard = LayoutParser.DefaultCategory;

    /// <summary>The plane of the Durable Objects tutorial: rows 1–10, seats A–F, an aisle after C.</summary>
    public static Layout A320()
    {
        var seats = new List<SeatDefinition>(60);
        for (var row = 1; row <= 10; row++)
        {
            var rowName = row.ToString(CultureInfo.InvariantCulture);
            for (var column = 0; column < 6; column++)
            {
                var letter = (char)('A' + column);
                var flags = letter switch
                {
                    'A' or 'F' => SeatFeatures.Window,
                    'C' or 'D' => SeatFeatures.Aisle,
                    _ => SeatFeatures.None,
                };
                var x = column < 3 ? column : column + 1;
                seats.Add(new SeatDefinition($"{row}{letter}", "Cabin", rowName, Standard, flags, x, row - 1));
            }
        }
        // The front of the plane: the row counts, the side hardly.
        return new Layout(seats, new SeatFocus(3, 0, 0.1, 1));
    }

    /// <summary>Rows lettered from the screen (A is nearest), seats numbered from the left.</summary>
    public static Layout Cinema(int rows, int seatsPerRow)
    {
        var seats = new List<SeatDefinition>(rows * seatsPerRow);
        for (var row = 0; row < rows; row++)
        {
            var rowName = ((char)('A' + row)).ToString();
            for (var seat = 1; seat <= seatsPerRow; seat++)
            {
                var flags = seat == 1 || seat == seatsPerRow ? SeatFeatures.Aisle : SeatFeatures.None;
                seats.Add(new SeatDefinition($"{rowName}{seat}", "Stalls", rowName, Standard, flags, seat - 1, row));
            }
        }
        // Centred on the screen, two thirds of the way back: where people ask to sit.
        return new Layout(seats, new SeatFocus((seatsPerRow - 1) / 2.0, (rows - 1) * 2 / 3.0, 1, 1));
    }

    /// <summary>
    /// Sections side by side, each with numbered rows of numbered seats; labels read "S2-14-7". The aisle seats of each
    /// section's back row are wheelchair spaces, on the level platform at the top of the stand, each with a companion seat beside it.
    /// </summary>
    public static Layout Stadium(int sections, int rows, int seatsPerRow)
    {
        var seats = new List<SeatDefinition>(sections * rows * seatsPerRow);
        var rowNames = Enumerable.Range(1, rows).Select(r => r.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (var section = 1; section <= sections; section++)
        {
            var sectionName = "S" + section.ToString(CultureInfo.InvariantCulture);
            var left = (section - 1) * (seatsPerRow + 2);
            for (var row = 0; row < rows; row++)
            {
                for (var seat = 1; seat <= seatsPerRow; seat++)
                {
                    var flags = seat == 1 || seat == seatsPerRow ? SeatFeatures.Aisle : SeatFeatures.None;
                    if (flags != SeatFeatures.None && row == rows - 1)
                        flags |= SeatFeatures.Accessible;
                    var label = string.Create(CultureInfo.InvariantCulture, $"{sectionName}-{rowNames[row]}-{seat}");
                    seats.Add(new SeatDefinition(label, sectionName, rowNames[row], Standard, flags, left + seat - 1, row));
                }
            }
        }
        return new Layout(seats);
    }
}
