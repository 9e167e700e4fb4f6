using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace BoxOffice.IntegrationTests;

/// <summary>Which payment provider runs, and whether it may: the fake one is test mode, which Production refuses unless allowed.</summary>
public sealed class PaymentModeTests
{
    /// <summary>The server in a given environment with the given settings.</summary>
    private sealed class App(string environment, params (string Key, string Value)[] settings) : BoxOfficeApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        }
    }

    private static OptionsValidationException StartupFailure(BoxOfficeApp app)
    {
        var error = Record.Exception(() => app.CreateClient());
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is OptionsValidationException validation)
                return validation;
        }
        throw new Xunit.Sdk.XunitException($"Expected the server to refuse to start on its Payments settings, but got: {error?.ToString() ?? "a running server"}");
    }

    [Fact]
    public async Task Out_of_the_box_the_site_says_payments_are_in_test_mode()
    {
        await using var app = new App("Development");

        using var api = app.CreateApiClient();

        var site = (await api.GetSiteAsync()).Value;

        Assert.True(site.TestMode);
    }

    [Fact]
    public async Task Production_refuses_to_start_on_the_fake_provider_without_AllowTestMode()
    {
        await using var app = new App("Production");

        var failure = StartupFailure(app);

        Assert.Contains("Payments:Provider is Fake", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Payments:AllowTestMode=true", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_starts_in_test_mode_when_AllowTestMode_is_set()
    {
        await using var app = new App("Production", ("Payments:AllowTestMode", "true"));

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
        await using var app = new App("Development", ("Payments:Provider", provider));

        var failure = StartupFailure(app);

        Assert.Contains($"Payments:Provider '{provider}' is not a payment provider; use one of: Fake.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_tolerance_below_one_second_refuses_to_start()
    {
        await using var app = new App("Development", ("Payments:WebhookToleranceSeconds", "0"));

        var failure = StartupFailure(app);

        Assert.Contains("Payments:WebhookToleranceSeconds must be at least 1", failure.Message, StringComparison.Ordinal);
    }
}
