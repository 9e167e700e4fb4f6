namespace BoxOffice.IntegrationTests;

/// <summary>Every section is validated at start: a bad value stops the server with a message that names the key.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Storage:Provider", "Mongo", "Storage:Provider must be Sqlite or Postgres.")]
    [InlineData("Clients:KnownProxies:0", "proxy.example.com", "Clients:KnownProxies has 'proxy.example.com', which is not an IP address.")]
    [InlineData("Checkout:HoldSeconds", "0", "HoldSeconds")]
    [InlineData("Checkout:SweepSeconds", "-1", "SweepSeconds")]
    [InlineData("Admin:Token", "short-token", "Admin:Token must be at least 32 characters")]
    public async Task A_bad_setting_refuses_to_start(string key, string value, string message)
    {
        await using var app = new ConfiguredApp("Development", (key, value));

        var failure = app.StartupFailure();

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blank_admin_token_means_one_is_generated()
    {
        await using var app = new ConfiguredApp("Development", ("Admin:Token", ""));

        var health = await app.CreateClient().GetAsync("/health");

        Assert.True(health.IsSuccessStatusCode);
    }
}
