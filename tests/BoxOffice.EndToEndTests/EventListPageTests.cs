using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class EventListPageTests(BoxOfficeSite site)
{
    [Fact]
    public async Task The_event_list_shows_a_new_event_and_its_page_draws_the_seat_map()
    {
        var id = BoxOfficeSite.NewId("cinema");
        var title = $"Film {id}";
        await site.CreateEventAsync(new
        {
            id,
            title,
            layout = new { template = "cinema", rows = 3, seatsPerRow = 4 },
            prices = new { standard = 950 },
        });
        await using var visitor = await site.NewVisitorAsync();
        var page = await visitor.NewPageAsync();

        await page.GotoAsync("/");
        var link = page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true });
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { Has = link })).ToContainTextAsync("12 of 12 seats available");
        await link.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/events/{id}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Row [A-C], seat [1-4], .*, available$") })).ToHaveCountAsync(12);
        await Expect(SeatButtons.Seat(page, "C4", "available")).ToBeEnabledAsync();
    }
}
