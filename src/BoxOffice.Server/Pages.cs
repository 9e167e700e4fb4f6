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
        // Past the static files, a GET that no route matched is an address nobody serves. A catch-all route would
        // not do: routing runs first, and static files serve only requests that no endpoint claimed.
        app.Use((http, next) => http.GetEndpoint() is null && HttpMethods.IsGet(http.Request.Method) && !Path.HasExtension(http.Request.Path.Value)
            ? NotFoundPage(http, app.Environment)
            : next(http));
        app.MapFallbackToFile("/events/{id}", "index.html");
        // Every page reads this through site.js, to show the test-mode banner.
        app.MapGet("/api/site", (IOptions<PaymentsOptions> payments) => TypedResults.Ok(new SiteInfo(payments.Value.TestMode))).WithTags("Site");
        return app;
    }

    /// <summary>
    /// An address no route knows: a browser gets a page that says so and leads back to the events; under <c>/api</c>
    /// the status code pages answer problem+json, as for every other API error.
    /// </summary>
    private static Task NotFoundPage(HttpContext http, IWebHostEnvironment environment)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        if (http.Request.Path.StartsWithSegments("/api"))
            return Task.CompletedTask;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.SendFileAsync(environment.WebRootFileProvider.GetFileInfo("404.html"));
    }
}
