using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace BoxOffice.Server.Booking;

public static class BookingExtensions
{
    public static WebApplicationBuilder AddBooking(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EventCatalog>();
        builder.Services.AddSingleton<BoxOfficeMetrics>();
        builder.Services.AddSingleton(services => new BookingDesks(
            services.GetRequiredService<IBookingStore>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<BoxOfficeMetrics>()));
        builder.Services.AddHostedService<DeskRetirement>();
        builder.Services.AddExceptionHandler<DeskUnavailableHandler>();
        builder.Services.Configure<DeskOptions>(builder.Configuration.GetSection("Desks"));
        return builder;
    }
}

public sealed class DeskOptions
{
    /// <summary>A desk nobody has used or watched for this long is retired and its memory freed.</summary>
    public int IdleSeconds { get; set; } = 300;
}

/// <summary>The database could not give a durable answer: tell the caller to retry rather than report a bug.</summary>
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
