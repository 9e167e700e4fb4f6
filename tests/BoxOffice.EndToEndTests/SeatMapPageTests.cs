using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static BoxOffice.EndToEndTests.SeatButtons;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class SeatMapPageTests(BoxOfficeSite site)
{
    /// <summary>Live changes must arrive well within this; a reload would take longer and is checked separately.</summary>
    private const float LiveTimeoutMs = 2000;

    [Fact]
    public async Task Booking_in_one_page_turns_the_seat_unavailable_in_another_page()
    {
        var eventId = await NewFreeEventAsync();
        await using var visitorA = await site.NewVisitorAsync();
        await using var visitorB = await site.NewVisitorAsync();
        var pageA = await OpenLiveAsync(visitorA, $"/events/{eventId}");
        var pageB = await OpenLiveAsync(visitorB, $"/events/{eventId}");
        await MarkAsNotReloadedAsync(pageB);

        await BookThroughDialogAsync(pageA, "3C", "Ada Lovelace");

        await Expect(pageA.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex(@"^Booked seat 3C for Ada Lovelace\. Reference [A-Z2-9]{8}\.$"));
        await Expect(pageA.GetByText("Manage token:")).ToBeVisibleAsync();
        await Expect(Seat(pageB, "3C", "booked")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });
        await Expect(pageB.GetByText("59 of 60 seats available")).ToBeVisibleAsync();
        Assert.True(await WasNotReloadedAsync(pageB));
    }

    [Fact]
    public async Task A_tutorial_flight_books_through_the_tutorials_routes_and_shows_up_live_in_another_page()
    {
        var flightId = BoxOfficeSite.NewId("flight")[..32];
        await using var visitorA = await site.NewVisitorAsync();
        await using var visitorB = await site.NewVisitorAsync();
        var pageA = await OpenLiveAsync(visitorA, $"/?flightId={flightId}");
        var pageB = await OpenLiveAsync(visitorB, $"/?flightId={flightId}");
        await MarkAsNotReloadedAsync(pageB);

        await BookThroughDialogAsync(pageA, "3C", "Ada Lovelace");
        await BookThroughDialogAsync(pageA, "7F", "Ada Lovelace");

        await Expect(pageA.GetByRole(AriaRole.Status)).ToHaveTextAsync("Seat 7F booked successfully");
        await Expect(pageA.GetByText("Manage token:")).ToBeHiddenAsync();
        await Expect(Seat(pageB, "7F", "booked")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });
        // The tutorial's rule: a passenger who books again moves, so 3C is free again.
        await Expect(Seat(pageB, "3C", "available")).ToBeEnabledAsync();
        await Expect(pageB.GetByText("59 of 60 seats available")).ToBeVisibleAsync();
        Assert.True(await WasNotReloadedAsync(pageB));
    }

    [Fact]
    public async Task Booking_through_the_api_shows_up_live_in_an_open_page()
    {
        var eventId = await NewFreeEventAsync();
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");
        await MarkAsNotReloadedAsync(page);

        using var response = await site.Api.PostAsJsonAsync(
            $"/api/events/{eventId}/bookings",
            new { seats = new[] { new { seat = "7F", name = "Grace Hopper" } } },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        await Expect(Seat(page, "7F", "booked")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });
        await Expect(Seat(page, "7E", "available")).ToBeEnabledAsync();
        Assert.True(await WasNotReloadedAsync(page));
    }

    [Fact]
    public async Task A_name_that_looks_like_html_is_shown_as_text()
    {
        const string Name = "<img src=x onerror=alert(1)>";
        var eventId = await NewFreeEventAsync();
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");
        var alerts = 0;
        page.Dialog += (_, dialog) => alerts++;

        await BookThroughDialogAsync(page, "1A", Name);

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Booked seat 1A for {Name}.");
        await Expect(page.Locator("img")).ToHaveCountAsync(0);
        Assert.Equal(0, alerts);
    }

    [Fact]
    public async Task A_seat_taken_while_the_dialog_is_open_is_refused_with_the_reason()
    {
        var eventId = await NewFreeEventAsync();
        await using var visitor = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(visitor, $"/events/{eventId}");
        await Seat(page, "5B", "available").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Book seat 5B" });
        await dialog.GetByLabel("Name").FillAsync("Ada Lovelace");

        using var response = await site.Api.PostAsJsonAsync(
            $"/api/events/{eventId}/bookings",
            new { seats = new[] { new { seat = "5B", name = "Grace Hopper" } } },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("These seats are no longer available: 5B.");
        await Expect(page.GetByRole(AriaRole.Status)).ToBeEmptyAsync();
    }


    /// <summary>A free A320, like a tutorial flight but reachable through the API.</summary>
    private async Task<string> NewFreeEventAsync()
    {
        var id = BoxOfficeSite.NewId("plane");
        await site.CreateEventAsync(new { id, title = "Plane", layout = new { template = "a320" } });
        return id;
    }


    private static async Task BookThroughDialogAsync(IPage page, string seat, string name)
    {
        await Seat(page, seat, "available").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Book seat {seat}" });
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }

    private static async Task MarkAsNotReloadedAsync(IPage page) => await page.EvaluateAsync("window.notReloaded = true");

    private static Task<bool> WasNotReloadedAsync(IPage page) => page.EvaluateAsync<bool>("window.notReloaded === true");
}
