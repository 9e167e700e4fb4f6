namespace BoxOffice.Server;

public static class Pages
{
    /// <summary>Static pages with no build step; <c>/events/{id}</c> is the same page as <c>/?flightId=</c>.</summary>
    public static WebApplication MapPages(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapFallbackToFile("/events/{id}", "index.html");
        return app;
    }
}
