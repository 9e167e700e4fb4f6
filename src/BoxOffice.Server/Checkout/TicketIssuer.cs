using System.Collections.Concurrent;
using System.Threading.Channels;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Door;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// Issues the tickets of paid orders, one durable step per ticket, so progress ("issuing tickets 2/4")
/// survives a crash and resumes where it stopped. Each step is a command to the order's desk, which moves the
/// order through the state machine like every other change to it; a compare-and-set on the order's count,
/// and a unique key per seat, keep a ticket from ever being issued twice.
/// </summary>
/// <remarks>
/// The desk says which ticket is next and the issuer signs it here, outside the desk's single writer: the desk
/// decides from data alone, and a signature is the slowest part of a step. So an order starts with one question
/// to the desk, and each step's answer names the ticket after it.
/// </remarks>
public sealed partial class TicketIssuer(EventDesks desks, TicketSigningKey key, TimeProvider time, IOptions<CheckoutOptions> options, ILogger<TicketIssuer> logger)
    : BackgroundService
{
    private const int Workers = 8;

    private readonly Channel<(string OrderId, string EventId)> _orders = Channel.CreateUnbounded<(string, string)>();
    private readonly ConcurrentDictionary<string, bool> _queued = new(StringComparer.Ordinal);

    /// <summary>Asks for the order's tickets; a no-op if it is already queued or being issued.</summary>
    public void Enqueue(string orderId, string eventId)
    {
        if (_queued.TryAdd(orderId, true))
            _orders.Writer.TryWrite((orderId, eventId));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (orderId, eventId) in _orders.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await IssueAsync(orderId, eventId, stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The recovery worker finds the order still paid and queues it again.
                    LogIssueFailed(logger, orderId, error);
                }
                finally
                {
                    _queued.TryRemove(orderId, out _);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task IssueAsync(string orderId, string eventId, CancellationToken stoppingToken)
    {
        var step = await desks.SendAsync(eventId, new IssueNextTicket(orderId, null));
        while (step?.Next is { } next)
        {
            if (options.Value.TicketStepMs > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.TicketStepMs), time, stoppingToken);
            var ticketId = TicketCodes.NewTicketId();
            var code = await key.SignAsync(new TicketCode(eventId, ticketId, next.Seat, next.Number));
            step = await desks.SendAsync(eventId, new IssueNextTicket(orderId, new SignedTicket(next, ticketId, code)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issuing tickets for order {OrderId} failed; recovery will retry")]
    private static partial void LogIssueFailed(ILogger logger, string orderId, Exception error);
}
