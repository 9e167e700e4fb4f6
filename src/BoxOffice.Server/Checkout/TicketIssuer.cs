using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using BoxOffice.Contracts;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// Issues the tickets of paid orders, one durable step per ticket, so progress ("issuing tickets 2/4")
/// survives a crash and resumes where it stopped. A ticket is issued by a compare-and-set on the
/// order's count, and a unique key per seat, so it can never be issued twice.
/// </summary>
public sealed partial class TicketIssuer(IBookingStore store, TimeProvider time, IOptions<CheckoutOptions> options, ILogger<TicketIssuer> logger)
    : BackgroundService
{
    private const int Workers = 8;
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private readonly Channel<(string OrderId, IReadOnlyList<BookedSeat>? Seats)> _orders = Channel.CreateUnbounded<(string, IReadOnlyList<BookedSeat>?)>();
    private readonly ConcurrentDictionary<string, bool> _queued = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks for the order's tickets; a no-op if it is already queued or being issued. A webhook that just
    /// made the order paid passes its seats, which saves a read; recovery passes none and reads the order.
    /// </summary>
    public void Enqueue(string orderId, IReadOnlyList<BookedSeat>? seats = null)
    {
        if (_queued.TryAdd(orderId, true))
            _orders.Writer.TryWrite((orderId, seats));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (orderId, seats) in _orders.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await IssueAsync(orderId, seats, stoppingToken);
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

    private async Task IssueAsync(string orderId, IReadOnlyList<BookedSeat>? paidSeats, CancellationToken stoppingToken)
    {
        var (seats, issued) = (paidSeats, 0);
        if (seats is null)
        {
            var order = await store.GetOrderAsync(orderId, stoppingToken);
            if (order is not { State: OrderState.Paid })
                return;
            (seats, issued) = (order.Seats.Where(seat => !seat.Released).Select(seat => new BookedSeat(seat.Seat, seat.Name)).ToArray(), order.TicketsIssued);
        }
        for (var number = issued + 1; number <= seats.Count; number++)
        {
            if (options.Value.TicketStepMs > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.TicketStepMs), time, stoppingToken);
            var seat = seats[number - 1];
            var ticket = new StoredTicket(RandomNumberGenerator.GetString(CodeAlphabet, 12), seat.Seat, seat.Name);
            var last = number == seats.Count;
            if (!await store.IssueTicketAsync(orderId, ticket, number, last, time.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken))
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issuing tickets for order {OrderId} failed; recovery will retry")]
    private static partial void LogIssueFailed(ILogger logger, string orderId, Exception error);
}
