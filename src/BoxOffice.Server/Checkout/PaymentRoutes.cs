using System.Collections.Concurrent;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// Which order and event a payment id belongs to, so a webhook can go straight to the right desk.
/// Orders created by this process are remembered until they settle; anything else is read from the database.
/// </summary>
public sealed class PaymentRoutes(IBookingStore store)
{
    private readonly ConcurrentDictionary<string, PaymentRoute> _open = new(StringComparer.Ordinal);

    public void Remember(string paymentId, string orderId, string eventId) => _open[paymentId] = new PaymentRoute(orderId, eventId);

    public void Forget(string paymentId) => _open.TryRemove(paymentId, out _);

    public async Task<PaymentRoute?> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (_open.TryGetValue(paymentId, out var route))
            return route;
        return await store.FindOrderByPaymentAsync(paymentId, cancellationToken) is { } order ? new PaymentRoute(order.OrderId, order.EventId) : null;
    }
}

public sealed record PaymentRoute(string OrderId, string EventId);
