using BoxOffice.Server;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>Security headers on pages and API responses alike.</summary>
public class HttpHygieneTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Theory]
    [InlineData("/")]
    [InlineData("/events/x")]
    [InlineData("/api/events")]
    [InlineData("/api/events/no-such-event")]
    public async Task Pages_and_api_responses_carry_the_security_headers(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(Hosting.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self';", Hosting.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Hsts_is_sent_only_over_https()
    {
        using var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        var response = await https.GetAsync("/api/events");

        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }
}
