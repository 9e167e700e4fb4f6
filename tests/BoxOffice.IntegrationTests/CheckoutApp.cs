using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.IntegrationTests;

/// <summary>The server with a clock the test moves and a known webhook secret, so tests sign webhooks like the gateway.</summary>
public sealed class CheckoutApp : BoxOfficeApp
{
    public const string WebhookSecret = "integration-webhook-secret";

    public ManualTime Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Payments:WebhookSecret", WebhookSecret);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public async Task<string> CreatePaidEventAsync(int rows = 2, int seatsPerRow = 10)
    {
        var id = $"paid-{Guid.NewGuid():N}"[..20];
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new
        {
            id,
            title = "Paid show",
            layout = new { template = "cinema", rows, seatsPerRow },
            prices = new Dictionary<string, long> { ["standard"] = 1500 },
        });
        response.EnsureSuccessStatusCode();
        return id;
    }

    public static Task<HttpResponseMessage> CreateOrderAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    public static string PaymentId(OrderCreated order) => order.PaymentUrl[(order.PaymentUrl.LastIndexOf('/') + 1)..];

    /// <summary>Posts a webhook as the gateway would, signed unless a signature is given.</summary>
    public static Task<HttpResponseMessage> WebhookAsync(HttpClient client, string paymentId, string status, string? signature = null)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"paymentId":"{{paymentId}}","status":"{{status}}"}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature", signature ?? "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), body)));
        return client.SendAsync(request);
    }

    public static async Task<OrderView> GetOrderAsync(HttpClient client, OrderCreated order)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{order.OrderId}") { Headers = { { "X-Manage-Token", order.ManageToken } } };
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<OrderView>())!;
    }

    /// <summary>Ticketing runs after the webhook answers; this waits for it, bounded.</summary>
    public static async Task<OrderView> WaitForStatusAsync(HttpClient client, OrderCreated order, string status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var view = await GetOrderAsync(client, order);
            if (view.Status == status)
                return view;
            await Task.Delay(20, timeout.Token);
        }
    }
}
