using System.Text.Json;
using BoxOffice.Server.Events;

namespace BoxOffice.UnitTests;

public class LayoutParserTests
{
    private static LayoutParseResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return LayoutParser.Parse(document.RootElement);
    }

    [Fact]
    public void A320_has_ten_rows_of_six_with_an_aisle_after_C()
    {
        var layout = Parse("""{"template":"a320"}""").Layout!;

        Assert.Equal(60, layout.Count);
        Assert.Equal("1A", layout.Seats[0].Label);
        Assert.Equal("10F", layout.Seats[^1].Label);
        Assert.True(layout.TryGetIndex("3C", out var c));
        Assert.True(layout.TryGetIndex("3D", out var d));
        Assert.Equal(2, layout.Seats[c].X);
        Assert.Equal(4, layout.Seats[d].X);
        Assert.True(layout.Seats[0].Flags.HasFlag(SeatFeatures.Window));
        Assert.True(layout.Seats[c].Flags.HasFlag(SeatFeatures.Aisle));
    }

    [Fact]
    public void Cinema_rows_are_lettered_from_the_screen()
    {
        var layout = Parse("""{"template":"cinema","rows":12,"seatsPerRow":16}""").Layout!;

        Assert.Equal(192, layout.Count);
        Assert.Equal(("A1", 0), (layout.Seats[0].Label, layout.Seats[0].Y));
        Assert.Equal(("L16", 11), (layout.Seats[^1].Label, layout.Seats[^1].Y));
    }

    [Fact]
    public void Stadium_holds_one_hundred_thousand_seats_and_no_more()
    {
        var layout = Parse("""{"template":"stadium","sections":10,"rows":100,"seatsPerRow":100}""").Layout!;
        var tooBig = Parse("""{"template":"stadium","sections":11,"rows":100,"seatsPerRow":100}""");

        Assert.Equal(100_000, layout.Count);
        Assert.True(layout.TryGetIndex("S10-100-100", out _));
        Assert.Null(tooBig.Layout);
        Assert.Contains("100,000", tooBig.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_layout_keeps_labels_categories_flags_and_aisle_gaps()
    {
        var layout = Parse("""
            {"sections":[{"name":"Front","rows":[{"name":"1","seats":[
              {"label":"1A","category":"premium","flags":["window","accessible"]},
              {"label":"1B"},
              {"label":"1C","x":3,"flags":["aisle"]}]}]}]}
            """).Layout!;

        Assert.Equal(["1A", "1B", "1C"], layout.Seats.Select(s => s.Label));
        Assert.Equal([0, 1, 3], layout.Seats.Select(s => s.X));
        Assert.Equal("premium", layout.Seats[0].Category);
        Assert.Equal(SeatFeatures.Window | SeatFeatures.Accessible, layout.Seats[0].Flags);
        Assert.Equal(["premium", "standard"], layout.Categories);
        Assert.Equal(["window", "accessible"], Layout.FlagNames(layout.Seats[0].Flags));
    }

    [Theory]
    [InlineData("""{"sections":[{"rows":[{"seats":[{"label":"1A"},{"label":"1a"}]}]}]}""", "used twice")]
    [InlineData("""{"sections":[{"rows":[{"seats":[{"label":"<b>"}]}]}]}""", "label")]
    [InlineData("""{"sections":[{"rows":[{"seats":[{"label":"1A","flags":["sunroof"]}]}]}]}""", "flags")]
    [InlineData("""{"sections":[{"rows":[{"seats":[{"label":"1A","x":5},{"label":"1B","x":2}]}]}]}""", "x must be")]
    [InlineData("""{"sections":[{"rows":[{"seats":[{"label":"1A","category":"VIP!"}]}]}]}""", "category")]
    [InlineData("""{"sections":[]}""", "sections")]
    [InlineData("""{"sections":[{"rows":[]}]}""", "rows")]
    [InlineData("""{"template":"zeppelin"}""", "Unknown layout template")]
    [InlineData("""{"template":"cinema","rows":0}""", "rows")]
    [InlineData("""{"template":"cinema","seatsPerRow":"many"}""", "seatsPerRow")]
    [InlineData("""[]""", "JSON object")]
    [InlineData("""{}""", "template")]
    public void Invalid_layouts_are_rejected_with_a_reason(string json, string reason)
    {
        var result = Parse(json);

        Assert.Null(result.Layout);
        Assert.Contains(result.Errors, error => error.Contains(reason, StringComparison.Ordinal));
    }
}
