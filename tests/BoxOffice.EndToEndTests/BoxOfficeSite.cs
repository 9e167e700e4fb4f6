using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(BoxOffice.EndToEndTests.BoxOfficeSite))]

namespace BoxOffice.EndToEndTests;

/// <summary>One server and one headless Chromium for the whole run; every test opens its own browser contexts.</summary>
public sealed class BoxOfficeSite : IAsyncLifetime
{
    private BoxOfficeServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public HttpClient Api { get; } = new();

    private BoxOfficeServer Server => _server ?? throw new InvalidOperationException("The site has not started.");

    public string AdminToken => Server.AdminToken;

    public async ValueTask InitializeAsync()
    {
        // The race lab is on for its page; a wide read-to-write gap makes its races certain. Tickets take
        // a moment each, so an order page opened after payment still sees them being issued and must keep polling.
        _server = await BoxOfficeServer.StartAsync(
            new Dictionary<string, string> { ["Lab:Enabled"] = "true", ["Lab:DelayMs"] = "20", ["Checkout:TicketStepMs"] = "300" },
            TestContext.Current.CancellationToken);
        Api.BaseAddress = _server.BaseAddress;
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await LaunchAsync();
        }
        catch
        {
            // The server is already running: stop it here rather than rely on the runner disposing a half-started fixture.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A browser of its own whose camera plays <paramref name="y4mPath"/> in a loop, and that grants the camera
    /// without asking, as a door's device set up for scanning would.
    /// </summary>
    public Task<IBrowser> LaunchWithFakeCameraAsync(string y4mPath) =>
        LaunchAsync("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={y4mPath}");

    // Debian's Chromium: Playwright cannot download its own browser here.
    private Task<IBrowser> LaunchAsync(params string[] extraArgs) =>
        (_playwright ?? throw new InvalidOperationException("The site has not started.")).Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", .. extraArgs],
        });

    public string BaseAddress => Server.BaseAddress.ToString();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        Api.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>
    /// A fresh browser context: its own cookies and storage, like a separate visitor; a <paramref name="viewport"/>
    /// plays a phone. <paramref name="bypassCsp"/> lets a test inject a script of its own.
    /// </summary>
    public Task<IBrowserContext> NewVisitorAsync(ViewportSize? viewport = null, bool bypassCsp = false)
    {
        var browser = _browser ?? throw new InvalidOperationException("The site has not started.");
        var options = new BrowserNewContextOptions { BaseURL = BaseAddress, BypassCSP = bypassCsp };
        if (viewport is not null)
        {
            options.ViewportSize = viewport;
            options.IsMobile = true;
            options.HasTouch = true;
        }
        return browser.NewContextAsync(options);
    }

    public async Task CreateEventAsync(object request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(request) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.AdminToken);
        using var response = await Api.SendAsync(message, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
