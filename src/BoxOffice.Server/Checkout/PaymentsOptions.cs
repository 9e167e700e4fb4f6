using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

public enum PaymentProvider
{
    /// <summary>The built-in test gateway: a page of BoxOffice's own with Pay and Decline, and no real money.</summary>
    Fake,
}

/// <summary>The <c>Payments</c> section: who takes the money, and how its webhooks are verified.</summary>
public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>A <see cref="PaymentProvider"/> name, any case; anything else refuses to start.</summary>
    public string Provider { get; set; } = nameof(PaymentProvider.Fake);

    /// <summary>Lets the Fake provider run in Production, where it is otherwise refused.</summary>
    public bool AllowTestMode { get; set; }

    /// <summary>The HMAC key of webhook signatures; one is generated at start when unset. Never logged.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How far a webhook's signed time may be from now, either way.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>Set when <see cref="WebhookSecret"/> was generated for this run; internal, so no configuration can set it.</summary>
    internal bool WebhookSecretGenerated { get; set; }

    public PaymentProvider Gateway => Enum.Parse<PaymentProvider>(Provider, ignoreCase: true);

    /// <summary>No real money moves: every page and the start-up log say so.</summary>
    public bool TestMode => Gateway == PaymentProvider.Fake;

    internal static bool IsKnown(string? provider) =>
        provider is not null && Enum.GetNames<PaymentProvider>().Contains(provider, StringComparer.OrdinalIgnoreCase);
}

internal sealed class PaymentsOptionsValidator(IHostEnvironment environment) : IValidateOptions<PaymentsOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentsOptions options)
    {
        if (!PaymentsOptions.IsKnown(options.Provider))
        {
            return ValidateOptionsResult.Fail(
                $"Payments:Provider '{options.Provider}' is not a payment provider; use one of: {string.Join(", ", Enum.GetNames<PaymentProvider>())}.");
        }
        var failures = new List<string>();
        if (options.TestMode && environment.IsProduction() && !options.AllowTestMode)
        {
            failures.Add("Payments:Provider is Fake, a test gateway where no real money moves, and this is Production. "
                + "Configure a real provider, or set Payments:AllowTestMode=true to run in test mode anyway.");
        }
        if (options.WebhookToleranceSeconds < 1)
            failures.Add($"Payments:WebhookToleranceSeconds must be at least 1; it is {options.WebhookToleranceSeconds}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
