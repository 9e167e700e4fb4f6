using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;

namespace BoxOffice.UnitTests;

public class SeatPickerTests
{
    /// <summary>Rows given as strings: a letter is a seat of that category ('s' standard, 'p' premium), '.' an aisle gap, '#' a booked seat.</summary>
    private static SeatMap Map(params string[] rows)
    {
        var seats = new List<SeatDefinition>();
        var booked = new List<string>();
        for (var y = 0; y < rows.Length; y++)
        {
            for (var x = 0; x < rows[y].Length; x++)
            {
                var cell = rows[y][x];
                if (cell == '.')
                    continue;
                var label = $"{(char)('A' + y)}{x + 1}";
                seats.Add(new SeatDefinition(label, "Hall", $"{(char)('A' + y)}", cell == 'p' ? "premium" : "standard", SeatFeatures.None, x, y));
                if (cell == '#')
                    booked.Add(label);
            }
        }
        var definition = new EventDefinition("E", "E", new Layout(seats), new Dictionary<string, long>(), "EUR");
        var map = new SeatMap(definition, 0, [], new ChangeFeed(0));
        foreach (var label in booked)
        {
            Assert.True(definition.Layout.TryGetIndex(label, out var seat));
            map.Book(seat, "REF", "Someone");
        }
        return map;
    }

    private static string[] Labels(SeatMap map, int[]? seats)
    {
        Assert.NotNull(seats);
        return seats.Select(seat => map.Layout.Seats[seat].Label).ToArray();
    }

    [Fact]
    public void A_block_goes_in_the_best_row_nearest_the_focus()
    {
        var map = Map("sssssss", "sssssss", "sssssss");

        Assert.Equal(["A3", "A4", "A5"], Labels(map, SeatPicker.PickTogether(map, 3, null)));
    }

    [Fact]
    public void A_block_that_would_strand_a_single_seat_loses_to_one_that_does_not()
    {
        // Row A has five free seats. The two in the middle are nearest the focus, but taking them leaves a lone seat.
        var map = Map("sssss");

        Assert.Equal(["A1", "A2"], Labels(map, SeatPicker.PickTogether(map, 2, null)));
    }

    [Fact]
    public void A_lone_seat_is_stranded_only_when_nothing_else_fits()
    {
        var map = Map("#sss#");

        Assert.Equal(["A2", "A3"], Labels(map, SeatPicker.PickTogether(map, 2, null)));
    }

    [Fact]
    public void An_aisle_splits_a_row_into_blocks()
    {
        var map = Map("ss.ss", "#sss#");

        Assert.Equal(["B2", "B3", "B4"], Labels(map, SeatPicker.PickTogether(map, 3, null)));
    }

    [Fact]
    public void Booked_seats_split_a_row_and_full_rows_are_skipped()
    {
        var map = Map("#####", "s#s#s", "ss#ss");

        Assert.Equal(["C1", "C2"], Labels(map, SeatPicker.PickTogether(map, 2, null)));
    }

    [Fact]
    public void No_block_together_returns_nothing_but_nearest_seats_can_still_be_found()
    {
        var map = Map("s#s#s", "#s#s#");

        Assert.Null(SeatPicker.PickTogether(map, 2, null));
        // A3 is at the focus; the four seats one step away tie, and layout order breaks the tie.
        Assert.Equal(["A1", "A3"], Labels(map, SeatPicker.PickNearest(map, 2, null)).Order().ToArray());
        Assert.Null(SeatPicker.PickNearest(map, 6, null));
    }

    [Fact]
    public void Only_seats_of_the_asked_category_are_picked()
    {
        var map = Map("sssss", "ppppp");

        Assert.Equal(["B1", "B2", "B3"], Labels(map, SeatPicker.PickTogether(map, 3, "premium")));
        Assert.Equal(5, SeatPicker.CountEligible(map, "premium"));
    }

    [Fact]
    public void A320_fills_from_the_front_of_the_plane()
    {
        var definition = new EventDefinition("F", "F", Templates.A320(), new Dictionary<string, long>(), "EUR");
        var map = new SeatMap(definition, 0, [], new ChangeFeed(0));

        var first = Labels(map, SeatPicker.PickTogether(map, 3, null));

        Assert.Equal(["1A", "1B", "1C"], first);
    }
}
