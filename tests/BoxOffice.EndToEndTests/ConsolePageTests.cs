using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static BoxOffice.EndToEndTests.SeatButtons;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class ConsolePageTests(BoxOfficeSite site)
{
    private const string Password = "a long console passphrase";

    [Fact]
    public async Task An_organiser_creates_an_event_from_the_cinema_template_publishes_it_and_watches_a_booking_move_its_sales_bar()
    {
        var id = BoxOfficeSite.NewId("console");
        var title = $"Premiere {id}";
        await using var organiser = await site.NewVisitorAsync();
        var refusals = ContentSecurityPolicyPageTests.CollectRefusals(organiser);
        var console = await organiser.NewPageAsync();
        await console.GotoAsync("/admin");

        await console.GetByText("First run: create the first admin with the admin token").ClickAsync();
        await console.GetByLabel("Admin token").FillAsync(site.AdminToken);
        var firstRun = console.Locator("#firstrun-form");
        await firstRun.GetByLabel("Email").FillAsync($"{id}@example.com");
        await firstRun.GetByLabel("Password").FillAsync(Password);
        await console.GetByRole(AriaRole.Button, new() { Name = "Create the admin and sign in" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = "Events", Level = 1 })).ToBeVisibleAsync();

        await console.GetByRole(AriaRole.Button, new() { Name = "Create an event" }).ClickAsync();
        await console.GetByLabel("Id (in the address)").FillAsync(id);
        await console.GetByLabel("Title").FillAsync(title);
        await console.GetByLabel("Template").SelectOptionAsync("cinema");
        await console.GetByLabel("Rows").FillAsync("3");
        await console.GetByLabel("Seats per row").FillAsync("4");
        await Expect(console.GetByText("12 seats in 1 sections.")).ToBeVisibleAsync();
        await Expect(Seat(console, "C4", "available")).ToBeVisibleAsync();
        await console.GetByLabel("Price: standard").FillAsync("0");
        await console.GetByRole(AriaRole.Button, new() { Name = "Create event" }).ClickAsync();

        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Expect(console.Locator("#event-status")).ToHaveTextAsync("Draft");
        await console.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(console.Locator("#event-status")).ToHaveTextAsync("On sale");
        await Expect(console.GetByRole(AriaRole.Table)).ToContainTextAsync($"{id}@example.com");
        var sales = console.Locator("#event-sales");
        await Expect(sales).ToContainTextAsync("12 available · 0 held · 0 booked");

        await using var guest = await site.NewVisitorAsync();
        var shop = await guest.NewPageAsync();
        await shop.GotoAsync("/");
        await shop.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
        await Expect(shop.GetByText("Live", new() { Exact = true })).ToBeVisibleAsync();
        await Seat(shop, "A1", "available").ClickAsync();
        var dialog = shop.GetByRole(AriaRole.Dialog, new() { Name = "Book seat A1" });
        await dialog.GetByLabel("Name").FillAsync("Ada Lovelace");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Expect(sales).ToContainTextAsync("11 available · 0 held · 1 booked");
        await Expect(Seat(console, "A1", "booked")).ToBeVisibleAsync();
        await console.GetByRole(AriaRole.Button, new() { Name = "← All events" }).ClickAsync();
        var listed = console.GetByRole(AriaRole.Listitem).Filter(new() { Has = console.GetByRole(AriaRole.Button, new() { Name = title, Exact = true }) });
        await Expect(listed).ToContainTextAsync("On sale");
        await Expect(listed).ToContainTextAsync("1 booked");
        Assert.Empty(refusals);
    }

    [Fact]
    public async Task A_validation_error_shows_next_to_its_field_and_a_bad_layout_under_the_layout()
    {
        var email = await CreateStaffAsync("admin");
        await using var organiser = await site.NewVisitorAsync();
        var console = await SignInAsync(organiser, email);

        await console.GetByRole(AriaRole.Button, new() { Name = "Create an event" }).ClickAsync();
        await console.GetByLabel("Template").SelectOptionAsync("cinema");
        await console.GetByLabel("Rows").FillAsync("99");
        await Expect(console.GetByLabel("Template")).ToHaveAccessibleDescriptionAsync(new Regex("rows", RegexOptions.IgnoreCase));
        await console.GetByLabel("Rows").FillAsync("2");
        await Expect(console.GetByText("seats in 1 sections.")).ToBeVisibleAsync();

        await console.GetByLabel("Id (in the address)").FillAsync(BoxOfficeSite.NewId("invalid"));
        await console.GetByLabel("Title").FillAsync("Bad zone");
        await console.GetByLabel("Time zone").FillAsync("Mars/Olympus");
        await console.GetByLabel("Starts").FillAsync("2031-06-01T20:00");
        await console.GetByRole(AriaRole.Button, new() { Name = "Create event" }).ClickAsync();

        await Expect(console.GetByLabel("Time zone")).ToHaveAccessibleDescriptionAsync(new Regex("^Time zone must be an IANA zone"));
        await Expect(console.GetByLabel("Title")).ToHaveAccessibleDescriptionAsync("");
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = "Create an event" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Door_staff_are_sent_to_the_door_page_and_see_no_events()
    {
        var email = await CreateStaffAsync("door");
        await using var doorman = await site.NewVisitorAsync();
        var console = await SignInAsync(doorman, email);

        await Expect(console.GetByRole(AriaRole.Link, new() { Name = "Open the door page" })).ToBeVisibleAsync();
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = "Events" })).ToBeHiddenAsync();
        await Expect(console.GetByRole(AriaRole.Button, new() { Name = "Events" })).ToBeHiddenAsync();
    }

    private async Task<string> CreateStaffAsync(string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/staff/accounts") { Content = JsonContent.Create(new { email, password = Password, role }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", site.AdminToken);
        using var response = await site.Api.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return email;
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin");
        var form = page.Locator("#signin-form");
        await form.GetByLabel("Email").FillAsync(email);
        await form.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByText($"{email} (")).ToBeVisibleAsync();
        return page;
    }
}
