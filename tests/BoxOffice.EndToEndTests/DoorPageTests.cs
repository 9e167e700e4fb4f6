using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BoxOffice.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BoxOffice.EndToEndTests;

public sealed class DoorPageTests(BoxOfficeSite site)
{
    /// <summary>
    /// A browser that starts its camera and has frames read until one decodes: generous, because on two shared
    /// cores, with the other test classes running beside it, 15 s once was not enough.
    /// </summary>
    private const float ScanTimeoutMs = 30_000;

    [Fact]
    public async Task A_ticket_is_admitted_by_typed_code_and_another_by_camera_and_a_repeat_shows_the_first_admission()
    {
        var eventId = BoxOfficeSite.NewId("door");
        await site.CreateEventAsync(new { id = eventId, title = "Door night", layout = new { template = "cinema", rows = 2, seatsPerRow = 4 }, prices = new { standard = 1200 } });
        var codes = await TicketCodesAsync(eventId, ("A1", "Ada <b>Lovelace</b>"), ("A2", "Grace Hopper"));

        await using var staff = await site.NewVisitorAsync();
        var page = await OpenDoorAsync(staff, eventId, "North");
        await page.GetByLabel("Ticket code").FillAsync(codes["A1"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();

        var result = page.GetByRole(AriaRole.Status);
        await Expect(result).ToContainTextAsync("Admitted");
        await Expect(result).ToContainTextAsync("Seat A1");
        await Expect(result).ToContainTextAsync("Ada <b>Lovelace</b>");
        await Expect(page.Locator("main b")).ToHaveCountAsync(0);
        await Expect(page.GetByText("North: 1")).ToBeVisibleAsync();

        var video = Path.Combine(Path.GetTempPath(), $"door-{Guid.NewGuid():N}.y4m");
        await File.WriteAllBytesAsync(video, QrFrame.Y4m(codes["A2"], 640, 480));
        try
        {
            await using var cameraBrowser = await site.LaunchWithFakeCameraAsync(video);
            await using var gate = await cameraBrowser.NewContextAsync(new() { BaseURL = site.BaseAddress });
            var scanner = await OpenDoorAsync(gate, eventId, "South");
            await scanner.GetByRole(AriaRole.Button, new() { Name = "Start camera" }).ClickAsync();

            var scanned = scanner.GetByRole(AriaRole.Status);
            await Expect(scanned).ToContainTextAsync("Seat A2", new() { Timeout = ScanTimeoutMs });
            await Expect(scanned).ToContainTextAsync("Admitted");
            await Expect(scanned).ToContainTextAsync("Grace Hopper");
            await scanner.GetByRole(AriaRole.Button, new() { Name = "Stop camera" }).ClickAsync();
        }
        finally
        {
            File.Delete(video);
        }

        await page.GetByLabel("Ticket code").FillAsync(codes["A2"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
        await Expect(result).ToContainTextAsync("Already admitted");
        await Expect(result).ToContainTextAsync("at gate South");
        await Expect(page.GetByText("South: 1")).ToBeVisibleAsync(new() { Timeout = ScanTimeoutMs });
    }

    private async Task<IPage> OpenDoorAsync(IBrowserContext context, string eventId, string gate)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/door?event={eventId}");
        await page.GetByLabel("Staff token").FillAsync(site.AdminToken);
        await page.GetByLabel("Staff token").DispatchEventAsync("change");
        await Expect(page.GetByLabel("Event")).ToHaveValueAsync(eventId);
        await page.GetByLabel("Gate").FillAsync(gate);
        return page;
    }

    /// <summary>Buys and pays for the seats through the API, and waits for their signed ticket codes, by seat.</summary>
    private async Task<Dictionary<string, string>> TicketCodesAsync(string eventId, params (string Seat, string Name)[] seats)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { eventId, seats = seats.Select(s => new { seat = s.Seat, name = s.Name }), email = "door@example.com" }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString("N") } },
        };
        using var created = await site.Api.SendAsync(order, cancellation);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>(cancellation))!;
        var paymentUrl = new Uri((string)body["paymentUrl"]!);
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/payments/{paymentUrl.Segments[^1]}/decision")
        {
            Content = JsonContent.Create(new { outcome = "paid" }),
            Headers = { { "X-Payment-Key", paymentUrl.Fragment.Split("#key=", 2)[1] } },
        };
        (await site.Api.SendAsync(pay, cancellation)).EnsureSuccessStatusCode();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{body["orderId"]}") { Headers = { { "X-Manage-Token", (string)body["manageToken"]! } } };
            using var response = await site.Api.SendAsync(read, timeout.Token);
            var view = (await response.Content.ReadFromJsonAsync<JsonObject>(timeout.Token))!;
            if ((string)view["status"]! == "ticketed")
                return view["tickets"]!.AsArray().ToDictionary(t => (string)t!["seat"]!, t => (string)t!["code"]!);
            await Task.Delay(50, timeout.Token);
        }
    }
}
