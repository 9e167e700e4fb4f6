using System.Text;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.IntegrationTests;

/// <summary>The server with a clock the test moves and a known webhook secret, so tests sign webhooks like a gateway.</summary>
public class CheckoutApp : BoxOfficeApp
{
    public const string WebhookSecret = "integration-webhook-secret";

    public CheckoutApp()
        : this(TestStore.Sqlite)
    {
    }

    protected CheckoutApp(TestStore store)
        : base(store)
    {
    }

    public ManualTime Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Payments:WebhookSecret", WebhookSecret);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    /// <summary>A cinema at 15.00 a seat.</summary>
    public Task<string> CreatePaidEventAsync(int rows = 2, int seatsPerRow = 10) => CreateEventAsync(Layouts.Cinema(rows, seatsPerRow), price: 1500);

    /// <summary>The webhook body a gateway sends for a payment, as the bytes it signs.</summary>
    public static byte[] WebhookBody(string paymentId, string status) =>
        Encoding.UTF8.GetBytes($$"""{"paymentId":"{{paymentId}}","status":"{{status}}"}""");

    public static string Sign(string secret, DateTimeOffset signedAt, byte[] body) => PaymentSignature.Sign(secret, signedAt.ToUnixTimeSeconds(), body);

    /// <summary>Signs as a gateway would, at this server's time now.</summary>
    public string SignNow(byte[] body) => Sign(WebhookSecret, Time.GetUtcNow(), body);

    /// <summary>The gateway's webhook for a payment, signed at this server's time now.</summary>
    public Task<ApiResult<WebhookAnswer>> WebhookAsync(BoxOfficeClient api, string paymentId, string status) =>
        api.SendPaymentWebhookAsync(new PaymentWebhook(paymentId, status), WebhookSecret, Time.GetUtcNow());

    public static async Task<OrderView> GetOrderAsync(BoxOfficeClient api, OrderCreated order) =>
        (await api.GetOrderAsync(order.OrderId, order.ManageToken)).EnsureSuccess().Value;

    /// <summary>Ticketing runs after the webhook answers, and nothing announces its end: this asks until it is over, bounded.</summary>
    public static async Task<OrderView> WaitForStatusAsync(BoxOfficeClient api, OrderCreated order, string status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var view = await GetOrderAsync(api, order);
            if (view.Status == status)
                return view;
            await Task.Delay(20, timeout.Token);
        }
    }
}

/// <summary>The same server on PostgreSQL.</summary>
public sealed class PostgresCheckoutApp() : CheckoutApp(TestStore.Postgres);
