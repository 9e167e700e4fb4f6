using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

public sealed class CheckoutOptions
{
    public const string Section = "Checkout";

    /// <summary>How long seats wait for payment.</summary>
    [Range(10, 86_400)]
    public int HoldSeconds { get; set; } = 600;

    /// <summary>How often the recovery worker looks for due orders.</summary>
    [Range(1, 3_600)]
    public int SweepSeconds { get; set; } = 1;

    /// <summary>A pause before each ticket, to make the durable steps visible in demos; 0 in production.</summary>
    [Range(0, 60_000)]
    public int TicketStepMs { get; set; }
}

public static partial class CheckoutExtensions
{
    public static WebApplicationBuilder AddCheckout(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Generated once, so every options instance of this run agrees on it.
        var generatedSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        builder.Services.AddOptions<PaymentsOptions>()
            .BindConfiguration(PaymentsOptions.Section)
            .PostConfigure(options =>
            {
                if (!string.IsNullOrWhiteSpace(options.WebhookSecret))
                    return;
                options.WebhookSecret = generatedSecret;
                options.WebhookSecretGenerated = true;
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PaymentsOptions>, PaymentsOptionsValidator>();
        builder.Services.AddSingleton<IPaymentGateway, FakePaymentGateway>();
        builder.Services.AddSingleton<OrderTokens>();
        builder.Services.AddSingleton<PaymentLinkKeys>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<PaymentRoutes>();
        builder.Services.AddSingleton<TicketIssuer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TicketIssuer>());
        builder.Services.AddHostedService<CheckoutRecovery>();
        return builder;
    }

    /// <summary>Orders, the payment webhook, and the fake gateway behind the payment page.</summary>
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        ReportPaymentMode(app.ServiceProvider);
        app.MapOrdersApi();
        app.MapPaymentWebhook();
        app.MapFakeGateway();
        return app;
    }

    /// <summary>Validates the <c>Payments</c> section now, before anything is served, and warns once about what an operator must know.</summary>
    private static void ReportPaymentMode(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PaymentsOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("BoxOffice.Payments");
        if (options.WebhookSecretGenerated)
            LogGeneratedSecret(logger);
        if (options.TestMode)
            LogTestMode(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payments:WebhookSecret is not set; a random one is used for this run, so no outside gateway can sign webhooks")]
    private static partial void LogGeneratedSecret(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payments are in test mode (Payments:Provider=Fake): the built-in fake gateway takes every payment and no real money moves")]
    private static partial void LogTestMode(ILogger logger);
}
