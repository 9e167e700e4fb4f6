using System.Security.Cryptography;

namespace BoxOffice.Server.Checkout;

public sealed class CheckoutOptions
{
    /// <summary>How long seats wait for payment.</summary>
    public int HoldSeconds { get; set; } = 600;

    /// <summary>How often the recovery worker looks for due orders.</summary>
    public int SweepSeconds { get; set; } = 1;

    /// <summary>A pause before each ticket, to make the durable steps visible in demos; 0 in production.</summary>
    public int TicketStepMs { get; set; }
}

public static partial class CheckoutExtensions
{
    public static WebApplicationBuilder AddCheckout(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("Checkout"));
        builder.Services.AddSingleton<IPaymentGateway, FakePaymentGateway>();
        builder.Services.AddSingleton<OrderTokens>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<PaymentRoutes>();
        builder.Services.AddSingleton(services =>
        {
            var configured = services.GetRequiredService<IConfiguration>()["Payments:WebhookSecret"];
            if (!string.IsNullOrWhiteSpace(configured))
                return new WebhookSigner(configured);
            var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            LogGeneratedSecret(services.GetRequiredService<ILoggerFactory>().CreateLogger("BoxOffice.Payments"));
            return new WebhookSigner(generated);
        });
        builder.Services.AddSingleton<TicketIssuer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TicketIssuer>());
        builder.Services.AddHostedService<CheckoutRecovery>();
        builder.Services.AddHttpClient(FakeGatewayClient);
        return builder;
    }

    internal const string FakeGatewayClient = "fake-gateway";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payments:WebhookSecret is not set; a random one is used for this run, so only the built-in fake gateway can sign webhooks")]
    private static partial void LogGeneratedSecret(ILogger logger);
}
