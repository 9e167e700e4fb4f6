namespace BoxOffice.IntegrationTests;

/// <summary>Which payment provider runs, and whether it may: the fake one is test mode, which Production refuses unless allowed.</summary>
public sealed class PaymentModeTests
{
    [Fact]
    public async Task Out_of_the_box_the_site_says_payments_are_in_test_mode()
    {
        await using var app = new ConfiguredApp("Development");

        using var api = app.CreateApiClient();

        var site = (await api.GetSiteAsync()).Value;

        Assert.True(site.TestMode);
    }

    [Fact]
    public async Task Production_refuses_to_start_on_the_fake_provider_without_AllowTestMode()
    {
        await using var app = new ConfiguredApp("Production");

        var failure = app.StartupFailure();

        Assert.Contains("Payments:Provider is Fake", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Payments:AllowTestMode=true", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_starts_in_test_mode_when_AllowTestMode_is_set()
    {
        await using var app = new ConfiguredApp("Production", ("Payments:AllowTestMode", "true"));

        using var api = app.CreateApiClient();

        var site = (await api.GetSiteAsync()).Value;

        Assert.True(site.TestMode);
    }

    [Theory]
    [InlineData("Stripe")]
    [InlineData("0")]
    [InlineData("")]
    public async Task An_unknown_provider_refuses_to_start(string provider)
    {
        await using var app = new ConfiguredApp("Development", ("Payments:Provider", provider));

        var failure = app.StartupFailure();

        Assert.Contains($"Payments:Provider '{provider}' is not a payment provider; use one of: Fake.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_tolerance_below_one_second_refuses_to_start()
    {
        await using var app = new ConfiguredApp("Development", ("Payments:WebhookToleranceSeconds", "0"));

        var failure = app.StartupFailure();

        Assert.Contains("Payments:WebhookToleranceSeconds must be at least 1", failure.Message, StringComparison.Ordinal);
    }
}
