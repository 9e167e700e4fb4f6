using BoxOffice.Server.Desk;
using Microsoft.AspNetCore.Diagnostics;

namespace BoxOffice.Server;

/// <summary>The database or the cluster could not give a durable answer: tell the caller to retry rather than report a bug.</summary>
internal sealed class DeskUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DeskUnavailableException unavailable)
            return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Title = "Try again", Detail = unavailable.Message, Status = StatusCodes.Status503ServiceUnavailable },
        });
    }
}
