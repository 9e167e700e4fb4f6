using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Booking;

/// <summary>Retires idle desks periodically, so a process hosting 100,000 events keeps only the busy ones in memory.</summary>
internal sealed partial class DeskRetirement(BookingDesks desks, IOptions<DeskOptions> options, TimeProvider time, ILogger<DeskRetirement> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idleAfter = TimeSpan.FromSeconds(options.Value.IdleSeconds);
        using var timer = new PeriodicTimer(idleAfter / 4, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var retired = desks.RetireIdle(idleAfter);
                if (retired > 0)
                    LogRetired(logger, retired, desks.ActiveCount);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Retired} idle desks; {Active} remain")]
    private static partial void LogRetired(ILogger logger, int retired, int active);
}
