using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static BoxOffice.EndToEndTests.SeatButtons;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

/// <summary>The server's Content-Security-Policy forbids inline script and style; every page must work without them.</summary>
public sealed class ContentSecurityPolicyPageTests(BoxOfficeSite site)
{
    [Fact]
    public async Task Every_page_works_under_the_content_security_policy_and_the_browser_refuses_nothing()
    {
        var free = BoxOfficeSite.NewId("csp-free");
        var paid = BoxOfficeSite.NewId("csp-paid");
        await site.CreateEventAsync(new { id = free, title = $"Free {free}", layout = new { template = "cinema", rows = 2, seatsPerRow = 3 } });
        await site.CreateEventAsync(new { id = paid, title = $"Paid {paid}", layout = new { template = "cinema", rows = 2, seatsPerRow = 3 }, prices = new { standard = 1500 } });
        await using var visitor = await site.NewVisitorAsync();
        var refusals = CollectRefusals(visitor);
        var page = await visitor.NewPageAsync();

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Free {free}", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Live", new() { Exact = true })).ToBeVisibleAsync();
        await Seat(page, "A1", "available").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Book seat A1" });
        await dialog.GetByLabel("Name").FillAsync("Ada Lovelace");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();
        await Expect(Seat(page, "A1", "booked")).ToBeDisabledAsync();

        await page.GotoAsync($"/events/{paid}");
        await Seat(page, "B2", "available").ClickAsync();
        await page.GetByLabel("Name for seat B2").FillAsync("Grace Hopper");
        await page.GetByLabel("Email").FillAsync("grace@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Pay now" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders/ord_[a-z0-9]+#token="));
        var qr = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code for the ticket of seat ") });
        await Expect(qr).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        // The QR code is an SVG from the API drawn as a data: image; decoding a refused image fails.
        Assert.True(await qr.EvaluateAsync<int>("image => image.decode().then(() => image.naturalWidth)") > 0);

        await page.GotoAsync("/lab");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Race lab" })).ToBeVisibleAsync();

        await page.GotoAsync($"/door?event={paid}");
        await Expect(page.GetByLabel("Event")).ToHaveValueAsync(paid);
        await page.GetByLabel("Ticket code").FillAsync("NOT-A-TICKET");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Refused");

        Assert.Empty(refusals);
    }

    /// <summary>What the browser refuses under the policy from now on: Chromium reports each refusal on the console, naming the policy.</summary>
    internal static ConcurrentQueue<string> CollectRefusals(IBrowserContext context)
    {
        var refusals = new ConcurrentQueue<string>();
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                refusals.Enqueue(message.Text);
        };
        return refusals;
    }
}
