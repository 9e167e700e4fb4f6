using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class LabPageTests(BoxOfficeSite site)
{
    [Fact]
    public async Task The_lab_page_runs_every_strategy_on_the_server_and_highlights_the_failures()
    {
        await using var visitor = await site.NewVisitorAsync();
        var page = await visitor.NewPageAsync();
        var requests = 0;
        // The browser fetches the favicon whenever it likes; it is no request of the page's.
        page.Request += (_, request) =>
        {
            if (!request.Url.EndsWith("/favicon.svg", StringComparison.Ordinal))
                Interlocked.Increment(ref requests);
        };
        await page.GotoAsync("/lab");
        var loaded = requests;

        await page.GetByLabel("Admin token").FillAsync(site.AdminToken);
        await page.GetByLabel("Seats").FillAsync("20");
        await page.GetByLabel("Buyers").FillAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.", new() { Timeout = 30_000 });
        var rows = page.GetByRole(AriaRole.Row);
        ILocator Strategy(string name) => rows.Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });
        Assert.True(await Strategy("naive").Locator(".anomaly").CountAsync() > 0, "the naive strategy should show anomalies");
        Assert.True(await Strategy("occ").Locator(".anomaly").CountAsync() > 0, "the occ strategy should leave seats unsold while turning buyers away");
        await Expect(Strategy("lock").Locator(".anomaly")).ToHaveCountAsync(0);
        await Expect(Strategy("desk").Locator(".anomaly")).ToHaveCountAsync(0);
        await Expect(Strategy("desk").GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync("20");
        await Expect(Strategy("desk").GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("20");
        // The server plays the buyers: the page starts the run and follows it, and sends no booking of its own.
        Assert.Equal(2, requests - loaded);
    }
}
