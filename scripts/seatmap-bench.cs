#:package Microsoft.Playwright
#:property PublishAot=false
// The seat map of a 100,000-seat stadium in Debian's Chromium: bytes transferred (layout, snapshot, page), time
// until the map is drawn with every seat's status, and the time from a click on a seat to its selection, on a
// desktop profile and on a phone profile (CPU slowed 4x, a 4G network). A benchmark, not a test: it prints numbers.
//
//   dotnet run scripts/seatmap-bench.cs -- --url http://127.0.0.1:5080 --admin-token <token> [--runs 3] [--screenshots docs]
//
// The server needs --Limits:Enabled=false (the script holds 1,000 seats through 100 orders, so the map is not all one colour).
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

var options = ParseArguments(args);
var url = options.GetValueOrDefault("url", "http://127.0.0.1:5080").TrimEnd('/');
var runs = int.Parse(options.GetValueOrDefault("runs", "3"), CultureInfo.InvariantCulture);
using var api = new HttpClient { BaseAddress = new Uri(url) };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options["admin-token"]);

var eventId = $"stadium-bench-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
(await api.PostAsJsonAsync("/api/events", new
{
    id = eventId,
    title = "Stadium, 100,000 seats",
    layout = new { template = "stadium", sections = 50, rows = 50, seatsPerRow = 40 },
    prices = new { standard = 4500 },
})).EnsureSuccessStatusCode();
for (var order = 0; order < 100; order++)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
    {
        Content = JsonContent.Create(new { eventId, count = 10, names = Enumerable.Range(1, 10).Select(i => $"Guest {i}").ToArray(), email = "bench@example.com", together = false }),
    };
    request.Headers.Add("Idempotency-Key", $"{eventId}-{order}");
    (await api.SendAsync(request)).EnsureSuccessStatusCode();
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

Profile[] profiles =
[
    new("desktop", new() { Width = 1280, Height = 800 }, Mobile: false, CpuSlowdown: 1, Network: null),
    // 4G as a phone gets it: 9 Mbit/s down, 1.5 Mbit/s up, 150 ms round trip.
    new("phone", new() { Width = 390, Height = 844 }, Mobile: true, CpuSlowdown: 4, Network: new(150, 9_000_000 / 8, 1_500_000 / 8)),
];
Console.WriteLine($"{Environment.ProcessorCount} cores, {browser.Version}, {url}/events/{eventId}");
foreach (var profile in profiles)
{
    var results = new List<Result>();
    for (var run = 0; run < runs; run++)
        results.Add(await MeasureAsync(profile, run == 0 ? options.GetValueOrDefault("screenshots") : null));
    var median = (Func<Result, double> pick) => results.Select(pick).Order().ElementAt(results.Count / 2);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        profile = profile.Name,
        runs,
        transferredKb = Math.Round(median(r => r.TransferredBytes) / 1024, 1),
        layoutAndSnapshotKb = Math.Round(median(r => r.LayoutAndSnapshotBytes) / 1024, 1),
        interactiveMs = Math.Round(median(r => r.InteractiveMs)),
        clickToSelectionMs = Math.Round(median(r => r.ClickToSelectionMs), 1),
        interactiveMsEach = results.Select(r => Math.Round(r.InteractiveMs)),
    }));
}

async Task<Result> MeasureAsync(Profile profile, string? screenshots)
{
    await using var context = await browser.NewContextAsync(new() { ViewportSize = profile.Viewport, IsMobile = profile.Mobile, HasTouch = profile.Mobile });
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Network.enable");
    await cdp.SendAsync("Network.setCacheDisabled", new() { ["cacheDisabled"] = true });
    if (profile.CpuSlowdown > 1)
        await cdp.SendAsync("Emulation.setCPUThrottlingRate", new() { ["rate"] = profile.CpuSlowdown });
    if (profile.Network is { } network)
    {
        await cdp.SendAsync("Network.emulateNetworkConditions", new()
        {
            ["offline"] = false,
            ["latency"] = network.LatencyMs,
            ["downloadThroughput"] = network.DownloadBytesPerSecond,
            ["uploadThroughput"] = network.UploadBytesPerSecond,
        });
    }
    var requests = new Dictionary<string, string>();
    double transferred = 0, layoutAndSnapshot = 0;
    cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) => requests[e!.Value.GetProperty("requestId").GetString()!] = e.Value.GetProperty("request").GetProperty("url").GetString()!;
    cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
    {
        var bytes = e!.Value.GetProperty("encodedDataLength").GetDouble();
        transferred += bytes;
        if (requests.GetValueOrDefault(e.Value.GetProperty("requestId").GetString()!, "").EndsWith("/layout", StringComparison.Ordinal))
            layoutAndSnapshot += bytes;
    };
    cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) =>
    {
        var bytes = e!.Value.GetProperty("response").GetProperty("payloadData").GetString()!.Length;
        transferred += bytes;
        layoutAndSnapshot += bytes;
    };

    await page.GotoAsync($"{url}/events/{eventId}");
    await page.WaitForFunctionAsync("() => performance.getEntriesByName('seat-map-interactive').length > 0", null, new() { Timeout = 120_000 });
    var interactive = await page.EvaluateAsync<double>("() => performance.getEntriesByName('seat-map-interactive')[0].startTime");
    if (screenshots is not null)
        await page.Locator(".map-layout").ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"seat-map-{profile.Name}-overview.png") });

    // Click to selection: focus on the map zooms into its first section, then a click on an available seat in view is
    // timed from the pointer going down to the frame after the checkout lists the seat.
    await page.Locator("#seat-plane button[tabindex='0']").FocusAsync();
    var target = await page.EvaluateAsync<JsonElement>("""
        () => {
          const frame = document.getElementById("seat-map").getBoundingClientRect();
          const inView = [...document.querySelectorAll("#seat-plane button[data-status=available]")]
            .map(button => button.getBoundingClientRect())
            .find(r => r.left > frame.left && r.top > frame.top && r.right < frame.right && r.bottom < frame.bottom);
          return { x: inView.left + inView.width / 2, y: inView.top + inView.height / 2 };
        }
        """);
    // The listeners are in place before the click, and the answer is awaited after it.
    await page.EvaluateAsync("""
        () => {
          window.selectionLatency = new Promise((resolve, reject) => {
            let down = 0;
            addEventListener("pointerdown", () => { down = performance.now(); }, { capture: true, once: true });
            new MutationObserver((_, observer) => {
              observer.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - down));
            }).observe(document.getElementById("checkout-seats"), { childList: true });
            setTimeout(() => reject(new Error("the click chose no seat")), 10000);
          });
        }
        """);
    await page.Mouse.ClickAsync(target.GetProperty("x").GetSingle(), target.GetProperty("y").GetSingle());
    var clickToSelection = await page.EvaluateAsync<double>("() => window.selectionLatency");
    if (screenshots is not null)
    {
        await page.Mouse.MoveAsync(0, 0);
        await page.Locator(".map-layout").ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"seat-map-{profile.Name}-section.png") });
    }
    return new Result(transferred, layoutAndSnapshot, interactive, clickToSelection);
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var parsed = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
        parsed[args[i].TrimStart('-')] = args[i + 1];
    return parsed;
}

internal sealed record Network(double LatencyMs, double DownloadBytesPerSecond, double UploadBytesPerSecond);

internal sealed record Profile(string Name, ViewportSize Viewport, bool Mobile, int CpuSlowdown, Network? Network);

internal sealed record Result(double TransferredBytes, double LayoutAndSnapshotBytes, double InteractiveMs, double ClickToSelectionMs);
