using BoxOffice.Contracts;
using BoxOffice.Server.Checkout;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server;

public static class Pages
{
    /// <summary>Static pages with no build step; <c>/events/{id}</c> is the same page as <c>/?flightId=</c>.</summary>
    public static WebApplication MapPages(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapFallbackToFile("/events/{id}", "index.html");
        // Every page reads this through site.js, to show the test-mode banner.
        app.MapGet("/api/site", (IOptions<PaymentsOptions> payments) => TypedResults.Ok(new SiteInfo(payments.Value.TestMode))).WithTags("Site");
        return app;
    }
}
