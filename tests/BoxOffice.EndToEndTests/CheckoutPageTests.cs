using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static BoxOffice.EndToEndTests.SeatButtons;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class CheckoutPageTests(BoxOfficeSite site)
{
    /// <summary>A hold or a release must reach another open page well within this, without a reload.</summary>
    private const float LiveTimeoutMs = 3000;

    /// <summary>Two tickets at Checkout:TicketStepMs each, plus a poll or two; generous for a busy machine.</summary>
    private const float TicketsTimeoutMs = 10_000;

    private static readonly Regex HoldCountdown = new(@"^Seats held for \d+:\d\d$");

    /// <summary>The payment link: the key that opens it rides in the fragment.</summary>
    private static readonly Regex PaymentLink = new("/pay/pay_[a-z0-9]+#key=[A-Za-z0-9_-]{43}$");

    private const string TestModeBanner = "Test mode: payments go to a built-in fake gateway, and no real money moves.";

    [Fact]
    public async Task Paying_for_held_seats_shows_the_tickets_on_the_order_page()
    {
        const string HtmlLikeName = "Grace <b>Hopper</b>";
        var eventId = await CreatePaidEventAsync();
        await using var buyer = await site.NewVisitorAsync();
        await using var onlooker = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(buyer, $"/events/{eventId}");
        var other = await OpenLiveAsync(onlooker, $"/events/{eventId}");

        await ChooseSeatsAsync(page, ("C3", "Ada Lovelace"), ("C4", HtmlLikeName));
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Checkout" })).ToContainTextAsync(new Regex(@"Total\s*\S*30[.,]00"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();

        await Expect(page.GetByText(HoldCountdown)).ToBeVisibleAsync();
        await Expect(Seat(other, "C3", "held")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });
        await Expect(Seat(other, "C4", "held")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });

        await page.GetByRole(AriaRole.Link, new() { Name = "Pay now" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(PaymentLink);
        await Expect(page.GetByText("C3, C4", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/orders/ord_[a-z0-9]+#token=[A-Za-z0-9_-]+$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Status: Ticketed — 2 tickets issued", new() { Timeout = TicketsTimeoutMs });
        var tickets = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Img) });
        await Expect(tickets).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code for the ticket of seat C[34]$") })).ToHaveCountAsync(2);
        await Expect(tickets.Filter(new() { HasText = "Seat C3" })).ToContainTextAsync("Ada Lovelace");
        await Expect(tickets.Filter(new() { HasText = "Seat C4" })).ToContainTextAsync(HtmlLikeName);
        await Expect(page.Locator("main b")).ToHaveCountAsync(0);
        await Expect(Seat(other, "C3", "booked")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });
    }

    [Fact]
    public async Task Declining_payment_releases_the_seats_in_another_open_page()
    {
        var eventId = await CreatePaidEventAsync();
        await using var buyer = await site.NewVisitorAsync();
        await using var onlooker = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(buyer, $"/events/{eventId}");
        var other = await OpenLiveAsync(onlooker, $"/events/{eventId}");
        await other.EvaluateAsync("window.notReloaded = true");

        await ChooseSeatsAsync(page, ("B2", "Ada Lovelace"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await Expect(page.GetByText(HoldCountdown)).ToBeVisibleAsync();
        await Expect(Seat(other, "B2", "held")).ToBeDisabledAsync(new() { Timeout = LiveTimeoutMs });

        await page.GetByRole(AriaRole.Link, new() { Name = "Pay now" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Decline", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Payment declined. The seats are released.");
        await Expect(Seat(other, "B2", "available")).ToBeEnabledAsync(new() { Timeout = LiveTimeoutMs });
        Assert.True(await other.EvaluateAsync<bool>("window.notReloaded === true"));
    }

    [Fact]
    public async Task The_event_page_and_the_payment_page_say_no_real_money_moves_and_paying_still_works()
    {
        var eventId = await CreatePaidEventAsync();
        await using var buyer = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(buyer, $"/events/{eventId}");

        await Expect(page.GetByRole(AriaRole.Note)).ToHaveTextAsync(TestModeBanner);
        await ChooseSeatsAsync(page, ("A2", "Ada Lovelace"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Pay now" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(PaymentLink);
        await Expect(page.GetByRole(AriaRole.Note)).ToHaveTextAsync(TestModeBanner);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders/ord_[a-z0-9]+#token=[A-Za-z0-9_-]+$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex("^Status: Ticketed"), new() { Timeout = TicketsTimeoutMs });
        await Expect(page.GetByRole(AriaRole.Note)).ToHaveTextAsync(TestModeBanner);
    }

    [Fact]
    public async Task A_payment_link_without_its_key_shows_no_payment()
    {
        var eventId = await CreatePaidEventAsync();
        await using var buyer = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(buyer, $"/events/{eventId}");
        await ChooseSeatsAsync(page, ("A3", "Ada Lovelace"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await Expect(page.GetByText(HoldCountdown)).ToBeVisibleAsync();
        var link = (await page.GetByRole(AriaRole.Link, new() { Name = "Pay now" }).GetAttributeAsync("href"))!;

        await page.GotoAsync(link[..link.IndexOf('#', StringComparison.Ordinal)]);

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This payment link is incomplete: it needs the #key=… part that came with it.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_checkout_retried_after_its_answer_was_lost_gets_the_order_it_already_made()
    {
        var eventId = await CreatePaidEventAsync();
        await using var buyer = await site.NewVisitorAsync();
        var page = await OpenLiveAsync(buyer, $"/events/{eventId}");
        var keys = new List<string>();
        var answerLost = false;
        // The first request reaches the server and creates the order; only its answer never arrives.
        await page.RouteAsync("**/api/orders", async route =>
        {
            keys.Add(route.Request.Headers["idempotency-key"]);
            if (answerLost)
            {
                await route.ContinueAsync();
                return;
            }
            answerLost = true;
            await route.FetchAsync();
            await route.AbortAsync("connectionreset");
        });

        await ChooseSeatsAsync(page, ("A1", "Ada Lovelace"));
        var checkout = page.GetByRole(AriaRole.Button, new() { Name = "Checkout", Exact = true });
        await checkout.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Could not reach the server" })).ToBeVisibleAsync();
        // The live feed shows the order's hold, and the seat stays chosen so the retry asks for the same thing.
        await Expect(Seat(page, "A1", "held", pressed: true)).ToBeVisibleAsync();
        await checkout.ClickAsync();

        // With a new key the seat, held by the first order, would be refused.
        await Expect(page.GetByText(HoldCountdown)).ToBeVisibleAsync();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
    }

    private async Task<string> CreatePaidEventAsync()
    {
        var id = BoxOfficeSite.NewId("concert");
        await site.CreateEventAsync(new
        {
            id,
            title = $"Concert {id}",
            layout = new { template = "cinema", rows = 3, seatsPerRow = 4 },
            prices = new { standard = 1500 },
        });
        return id;
    }

    private static async Task ChooseSeatsAsync(IPage page, params (string Seat, string Name)[] seats)
    {
        foreach (var (seat, _) in seats)
        {
            await Seat(page, seat, "available").ClickAsync();
            await Expect(Seat(page, seat, "available", pressed: true)).ToBeVisibleAsync();
        }
        foreach (var (seat, name) in seats)
            await page.GetByLabel($"Name for seat {seat}").FillAsync(name);
        await page.GetByLabel("Email").FillAsync("ada@example.com");
    }
}
