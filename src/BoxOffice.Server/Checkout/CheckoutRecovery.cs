using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// Resumes every order whose next step is due, at start-up and then every <c>Checkout:SweepSeconds</c>:
/// unpaid orders past their deadline are expired through their desk (which releases and pushes
/// their seats), paid ones get their tickets. Expiry is already true at read time; this makes it visible.
/// </summary>
public sealed partial class CheckoutRecovery(
    IBookingStore store, EventDesks desks, TicketIssuer tickets, TimeProvider time, IOptions<CheckoutOptions> options, ILogger<CheckoutRecovery> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepSeconds), time);
        try
        {
            do
            {
                try
                {
                    await ResumeDueOrdersAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogSweepFailed(logger, error);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task ResumeDueOrdersAsync(CancellationToken cancellationToken)
    {
        var due = await store.DueOrdersAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await Parallel.ForEachAsync(due, cancellationToken, async (order, token) =>
        {
            if (order.State == OrderState.Paid)
                tickets.Enqueue(order.OrderId, order.EventId);
            else
                await desks.SendAsync(order.EventId, new ExpireOrder(order.OrderId));
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming due orders failed; the next sweep retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception error);
}
