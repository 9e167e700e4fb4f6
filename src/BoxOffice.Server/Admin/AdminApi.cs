using System.Diagnostics;
using BoxOffice.Server.Staff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Admin;

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        // Resolved now rather than on the first admin request, so a generated token is logged at start.
        app.ServiceProvider.GetRequiredService<AdminToken>();
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireStaff(StaffPolicies.Admin);
        admin.MapPost("/crash", Crash);
        return app;
    }

    /// <summary>
    /// Kills this process on the spot, as a power cut would: no graceful shutdown, no flushing. For
    /// trying recovery by hand; it only works with <c>Admin:AllowCrash=true</c>.
    /// </summary>
    private static ProblemHttpResult Crash(IOptions<AdminOptions> options)
    {
        if (!options.Value.AllowCrash)
            return TypedResults.Problem(title: "Crashing is off", detail: "Start the server with Admin:AllowCrash=true to allow it.", statusCode: StatusCodes.Status403Forbidden);
        Process.GetCurrentProcess().Kill();
        return TypedResults.Problem(title: "Still alive", statusCode: StatusCodes.Status500InternalServerError);
    }
}
