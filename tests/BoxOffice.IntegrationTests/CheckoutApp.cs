using System.Net.Http.Json;
using System.Text;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.IntegrationTests;

/// <summary>The server with a clock the test moves and a known webhook secret, so tests sign webhooks like a gateway.</summary>
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

    public static Task<HttpResponseMessage> CreateOrderAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    /// <summary>The payment id of <c>/pay/{paymentId}#key=…</c>.</summary>
    public static string PaymentId(OrderCreated order) => new Uri(order.PaymentUrl).Segments[^1];

    /// <summary>The payment link's key, from the fragment of <c>/pay/{paymentId}#key=…</c>.</summary>
    public static string PaymentKey(OrderCreated order) => new Uri(order.PaymentUrl).Fragment.Split("#key=", 2)[1];

    public static string WebhookBody(string paymentId, string status) => $$"""{"paymentId":"{{paymentId}}","status":"{{status}}"}""";

    public static string Sign(string secret, DateTimeOffset signedAt, string body) =>
        PaymentSignature.Sign(secret, signedAt.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body));

    /// <summary>Signs as a gateway would, at this server's time now.</summary>
    public string SignNow(string body) => Sign(WebhookSecret, Time.GetUtcNow(), body);

    /// <summary>A webhook as a gateway posts it, with the signature header as given, however malformed.</summary>
    public static HttpRequestMessage WebhookRequest(string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(PaymentSignature.Header, signature);
        return request;
    }

    /// <summary>Posts a webhook signed now, unless a signature is given.</summary>
    public Task<HttpResponseMessage> WebhookAsync(HttpClient client, string paymentId, string status, string? signature = null)
    {
        var body = WebhookBody(paymentId, status);
        return client.SendAsync(WebhookRequest(body, signature ?? SignNow(body)));
    }

    /// <summary>The fake gateway's Pay ("paid") or Decline ("failed"), with the given payment link key, if any.</summary>
    public static Task<HttpResponseMessage> DecideAsync(HttpClient client, string paymentId, string outcome, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/payments/{paymentId}/decision") { Content = JsonContent.Create(new { outcome }) };
        if (key is not null)
            request.Headers.Add("X-Payment-Key", key);
        return client.SendAsync(request);
    }

    /// <summary>What the payment page reads, with the given payment link key, if any.</summary>
    public static Task<HttpResponseMessage> GetPaymentAsync(HttpClient client, string paymentId, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/payments/{paymentId}");
        if (key is not null)
            request.Headers.Add("X-Payment-Key", key);
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
