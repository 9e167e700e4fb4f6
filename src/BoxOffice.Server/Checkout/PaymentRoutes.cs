using BoxOffice.Server.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace BoxOffice.Server.Checkout;

/// <summary>
/// Which order and event a payment id belongs to, so a webhook can go straight to the right desk.
/// Orders created by this process are remembered until they settle or a minute past their deadline;
/// anything else is read from the database.
/// </summary>
public sealed class PaymentRoutes(IBookingStore store, IMemoryCache cache)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public void Remember(string paymentId, PaymentRoute route, DateTimeOffset expiresAt) => cache.Set(Key(paymentId), route, expiresAt + Grace);

    public void Forget(string paymentId) => cache.Remove(Key(paymentId));

    public async Task<PaymentRoute?> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue<PaymentRoute>(Key(paymentId), out var route))
            return route;
        return await store.FindOrderByPaymentAsync(paymentId, cancellationToken) is { } order ? new PaymentRoute(order.OrderId, order.EventId) : null;
    }

    private static string Key(string paymentId) => "payment-route:" + paymentId;
}

public sealed record PaymentRoute(string OrderId, string EventId);
