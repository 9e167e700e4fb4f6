using System.Text.Json.Serialization;
using Microsoft.AspNetCore.ResponseCompression;

namespace BoxOffice.Server;

public static class Hosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    /// <summary>Every request body is small unless an endpoint says otherwise.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// <c>GET /ping</c> does nothing, on purpose: the load tool's <c>ceiling</c> scenario measures it so every
    /// other figure can be given as a ratio to what this server and machine can do at all.
    /// </summary>
    public static IEndpointRouteBuilder MapPing(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ping", () => TypedResults.Text("pong")).ExcludeFromDescription();
        return app;
    }

    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        // ASPNETCORE_URLS and --urls both land in "urls"; only without them is the default used.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = BadRequestHandler.ExplainStatus);
        // Binding failures (malformed JSON, oversized bodies) always surface as exceptions, in every
        // environment, so one handler turns them into problem+json with their own status code.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<DeskUnavailableHandler>();
        // A stadium's layout is megabytes of JSON that compresses twentyfold. Over HTTPS too: BREACH needs a secret and
        // text from another site in one response, and secrets here answer only requests a page sends with JSON or a header.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "image/svg+xml"];
        });
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // The web defaults read "2" as 2; a number sent as a string is a client bug to report, not guess at.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default);
        });
        return builder;
    }

    /// <summary>
    /// Security headers on every response, pages and API alike. The pages are ES modules and a
    /// stylesheet from this origin, with no inline script or style, so the policy allows nothing else;
    /// QR codes are <c>data:</c> images. HSTS only over HTTPS, where the browser honours it.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // On starting, so responses written by the exception handler, which clears headers, get them too.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (http.Request.IsHttps)
                    headers.StrictTransportSecurity = "max-age=31536000";
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
