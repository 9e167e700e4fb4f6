using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static BoxOffice.EndToEndTests.SeatButtons;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

/// <summary>The seat map by keyboard, by screen reader, on a phone, with help choosing, and scanned by axe-core.</summary>
public sealed class SeatMapAccessibilityTests(BoxOfficeSite site)
{
    [Fact]
    public async Task A_seat_is_booked_by_keyboard_alone_in_nine_key_presses_and_the_focus_returns_to_it()
    {
        var eventId = await NewEventAsync(new { template = "a320" });
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");
        var presses = 0;
        async Task PressAsync(string key, int times = 1)
        {
            for (var i = 0; i < times; i++, presses++)
                await page.Keyboard.PressAsync(key);
        }

        // The site's name, the skip link, then the map: one Tab stop, wherever its seats are.
        await PressAsync("Tab", 3);
        await Expect(Seat(page, "1A", "available")).ToBeFocusedAsync();
        await PressAsync("ArrowDown", 2);
        await PressAsync("ArrowRight", 2);
        await Expect(Seat(page, "3C", "available")).ToBeFocusedAsync();
        await PressAsync("Enter");
        await page.Keyboard.TypeAsync("Ada Lovelace");
        await PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex(@"^Booked seat 3C for Ada Lovelace\. Reference [A-Z2-9]{8}\.$"));
        await Expect(Seat(page, "3C", "booked")).ToBeFocusedAsync();
        Assert.Equal(9, presses);
    }

    [Fact]
    public async Task The_focus_returns_to_the_seat_when_the_dialog_is_dismissed()
    {
        var eventId = await NewEventAsync(new { template = "a320" });
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");

        await Seat(page, "5D", "available").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Book seat 5D" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        await Expect(Seat(page, "5D", "available")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_wheelchair_space_is_named_with_its_row_seat_category_price_features_and_status()
    {
        var seats = new[] { new { label = "12-6", flags = Array.Empty<string>() }, new { label = "12-7", flags = new[] { "accessible", "aisle" } } };
        var eventId = await NewEventAsync(new { sections = new[] { new { name = "Stand", rows = new[] { new { name = "12", seats } } } } }, new { standard = 4500 });
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Row 12, seat 7, standard, €45.00, wheelchair space, aisle, available", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_live_change_reaches_a_seat_in_a_section_out_of_view()
    {
        // 4,000 seats: drawn on a canvas, with buttons only for the section in view.
        var eventId = await NewEventAsync(new { template = "stadium", sections = 10, rows = 20, seatsPerRow = 20 });
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");
        await page.EvaluateAsync("window.notReloaded = true");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Section S7, ") })).ToHaveCountAsync(0);

        using var booked = await site.Api.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { seats = new[] { new { seat = "S7-5-5", name = "Grace Hopper" } } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        await Expect(page.GetByText("3,999 of 4,000 seats available")).ToBeVisibleAsync();

        // Past the site's name, the skip link and the zoom buttons, into the map.
        for (var i = 0; i < 5; i++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Section S1, row 1, seat 1, ") })).ToBeFocusedAsync();
        for (var i = 0; i < 6; i++)
            await page.Keyboard.PressAsync("PageDown");
        for (var i = 0; i < 4; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("ArrowRight");
        }

        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Section S7, row 5, seat 5, .*, booked$") })).ToBeFocusedAsync();
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
    }

    [Theory]
    [InlineData("a320")]
    [InlineData("cinema")]
    [InlineData("stadium")]
    [InlineData("large-stadium")]
    public async Task A_phone_390_pixels_wide_never_scrolls_sideways(string template)
    {
        object layout = template == "large-stadium" ? new { template = "stadium", sections = 10, rows = 20, seatsPerRow = 20 } : new { template };
        var eventId = await NewEventAsync(layout, new { standard = 2500 });
        await using var phone = await site.NewVisitorAsync(new() { Width = 390, Height = 844 });
        var page = await OpenLiveAsync(phone, $"/events/{eventId}");

        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");

        Assert.Equal(0, overflow);
    }

    [Fact]
    public async Task Best_seats_highlights_the_seats_the_api_offers_and_holds_nothing_until_chosen()
    {
        var eventId = await NewEventAsync(new { template = "cinema", rows = 8, seatsPerRow = 10 }, new { standard = 1200 });
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");

        await page.GetByLabel("Seats", new() { Exact = true }).SelectOptionAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find seats" }).ClickAsync();
        var preview = await site.Api.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/best-available?count=3", TestContext.Current.CancellationToken);
        var offered = preview.GetProperty("seats").EnumerateArray().Select(seat => seat.GetString()!).ToArray();

        foreach (var seat in offered)
            await Expect(Seat(page, seat, "available")).ToHaveClassAsync(new Regex(@"\bsuggested\b"));
        await Expect(page.Locator("button.seat.suggested")).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose these seats" }).ClickAsync();
        foreach (var seat in offered)
            await Expect(page.GetByLabel($"Name for seat {seat}")).ToBeVisibleAsync();
        var events = await site.Api.GetFromJsonAsync<JsonElement>("/api/events", TestContext.Current.CancellationToken);
        Assert.Equal(80, events.EnumerateArray().Single(e => e.GetProperty("id").GetString() == eventId).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Axe_finds_nothing_serious_on_the_events_the_seat_map_checkout_and_the_order()
    {
        var axe = Path.Combine(AppContext.BaseDirectory, "axe.min.js");
        Assert.True(File.Exists(axe), "axe-core is missing: run `npm ci --prefix tests/BoxOffice.EndToEndTests` (test.sh does) and build again.");
        var eventId = await NewEventAsync(new { template = "cinema", rows = 4, seatsPerRow = 6 }, new { standard = 1500 });
        // axe is injected as a script of its own, which the pages' strict CSP would rightly refuse.
        await using var visitor = await site.NewVisitorAsync(bypassCsp: true);
        var page = await visitor.NewPageAsync();
        var violations = new List<string>();

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Events" })).ToBeVisibleAsync();
        violations.AddRange(await ScanAsync(page, axe, "events"));
        await page.GotoAsync($"/events/{eventId}");
        await Expect(page.GetByText("Live", new() { Exact = true })).ToBeVisibleAsync();
        violations.AddRange(await ScanAsync(page, axe, "seat map"));
        await Seat(page, "B3", "available").ClickAsync();
        await page.GetByLabel("Name for seat B3").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email").FillAsync("ada@example.com");
        violations.AddRange(await ScanAsync(page, axe, "checkout"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Your order" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your order" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Ada Lovelace")).ToBeVisibleAsync();
        violations.AddRange(await ScanAsync(page, axe, "order"));

        Assert.Empty(violations);
    }

    private static async Task<string[]> ScanAsync(IPage page, string axePath, string name)
    {
        await page.AddScriptTagAsync(new() { Path = axePath });
        var found = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)
            """);
        return found.EnumerateArray().Select(v => $"{name}: {v.GetString()}").ToArray();
    }

    private async Task<string> NewEventAsync(object layout, object? prices = null)
    {
        var id = BoxOfficeSite.NewId("venue");
        await site.CreateEventAsync(new { id, title = $"Venue {id}", layout, prices });
        return id;
    }
}
