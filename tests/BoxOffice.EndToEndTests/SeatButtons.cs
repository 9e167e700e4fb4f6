using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace BoxOffice.EndToEndTests;

/// <summary>Seats found as a screen reader user finds them: by the accessible name of their button.</summary>
internal static partial class SeatButtons
{
    /// <summary>
    /// The button of the seat labelled <paramref name="label"/> ("3C" on a plane, "C3" in a cinema: a row and a
    /// seat), named like "Row 3, seat C, standard, free, window, available".
    /// </summary>
    public static ILocator Seat(IPage page, string label, string status, bool? pressed = null)
    {
        var parts = RowAndSeat().Match(label);
        var name = $"^Row {Regex.Escape(parts.Groups[1].Value)}, seat {Regex.Escape(parts.Groups[2].Value)}, .*, {status}$";
        return page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(name), Pressed = pressed });
    }

    /// <summary>Opens a seat page once its live feed is up: until then a change could reach it only through its first snapshot.</summary>
    public static async Task<IPage> OpenLiveAsync(IBrowserContext visitor, string path)
    {
        var page = await visitor.NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByText("Live", new() { Exact = true })).ToBeVisibleAsync();
        return page;
    }

    [GeneratedRegex(@"^(\d+|[A-Z]+)(.+)$")]
    private static partial Regex RowAndSeat();
}
