using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class LabPageTests(BoxOfficeSite site)
{
    [Fact]
    public async Task The_lab_page_runs_every_strategy_and_highlights_the_naive_ones_failures()
    {
        await using var visitor = await site.NewVisitorAsync();
        var page = await visitor.NewPageAsync();
        await page.GotoAsync("/lab");

        await page.GetByLabel("Admin token").FillAsync(site.AdminToken);
        await page.GetByLabel("Seats").FillAsync("20");
        await page.GetByLabel("Buyers").FillAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.", new() { Timeout = 30_000 });
        var rows = page.GetByRole(AriaRole.Row);
        var naive = rows.Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "naive", Exact = true }) });
        var locking = rows.Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "lock", Exact = true }) });
        var desk = rows.Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "desk", Exact = true }) });
        Assert.True(await naive.Locator(".anomaly").CountAsync() > 0, "the naive strategy should show anomalies");
        await Expect(locking.Locator(".anomaly")).ToHaveCountAsync(0);
        await Expect(desk.Locator(".anomaly")).ToHaveCountAsync(0);
        await Expect(desk.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("20");
    }
}
