using System.Diagnostics;
using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.Load.Scenarios;

/// <summary>
/// Buyers on a paid event, each creating an order and paying it through the signed webhook, one after
/// another for a fixed time. A purchase counts as completed when the webhook confirms it paid; ticketing
/// follows in the background and is checked at the end.
/// </summary>
public static class CheckoutRush
{
    public static async Task<Report> RunAsync(Target target, string webhookSecret, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var eventId = Target.NewEventId("checkout");
        // 100,000 seats, so no run of this length sells out.
        await target.CreateEventAsync(eventId, Layouts.Stadium(10, 100, 100), cancellationToken, prices: new Dictionary<string, long> { ["standard"] = 2500 });
        var create = new Latencies();
        var pay = new Latencies();
        var lastOrder = new string[connections];
        var lastToken = new string[connections];

        var (completed, failed, seconds, purchase) = await ClosedLoop.RunAsync(connections, duration, async (worker, token) =>
        {
            var started = Stopwatch.GetTimestamp();
            var (order, _) = await CreateOrderAsync(target, eventId, $"Buyer {worker}", token);
            create.Add(Stopwatch.GetElapsedTime(started));
            if (order is null)
                return false;
            started = Stopwatch.GetTimestamp();
            var paid = await SendWebhookAsync(target, webhookSecret, order, "paid", token);
            pay.Add(Stopwatch.GetElapsedTime(started));
            (lastOrder[worker], lastToken[worker]) = (order.OrderId, order.ManageToken);
            return paid == HttpStatusCode.OK;
        }, cancellationToken);

        var ticketed = await CountTicketedAsync(target, lastOrder, lastToken, cancellationToken);
        var audit = await target.AuditAsync(eventId, cancellationToken);
        return new Report("checkout")
            .Add("buyers", connections)
            .Add("completed purchases/s", Math.Round(completed / seconds))
            .Add("failed", failed)
            .AddLatencies("purchase ", purchase)
            .AddLatencies("create order ", create)
            .AddLatencies("webhook ", pay)
            .Add("last orders ticketed", $"{ticketed}/{lastOrder.Count(o => o is not null)}")
            .Add("anomalies (audit)", audit.Anomalies.Count);
    }

    /// <summary>An order of one seat, best available, under a fresh Idempotency-Key; the order only if it was created.</summary>
    public static async Task<(OrderCreated? Order, HttpStatusCode Status)> CreateOrderAsync(Target target, string eventId, string name, CancellationToken cancellationToken)
    {
        var created = await target.Client.CreateOrderAsync(
            new CreateOrderRequest(eventId, null, 1, [name], null, null, "load@example.com"), Guid.NewGuid().ToString(), cancellationToken);
        return (created.Status == HttpStatusCode.Created ? created.Value : null, created.Status);
    }

    /// <summary>The gateway's webhook for the order's payment, signed as a provider would sign it.</summary>
    public static async Task<HttpStatusCode> SendWebhookAsync(Target target, string webhookSecret, OrderCreated order, string status, CancellationToken cancellationToken)
    {
        var answer = await target.Client.SendPaymentWebhookAsync(
            new PaymentWebhook(PaymentLink.Of(order).PaymentId, status), webhookSecret, DateTimeOffset.UtcNow, cancellationToken);
        return answer.Status;
    }

    /// <summary>Each buyer's last order, which is the most likely to still be ticketing: bounded wait until it is ticketed.</summary>
    private static async Task<int> CountTicketedAsync(Target target, string[] orders, string[] tokens, CancellationToken cancellationToken)
    {
        var ticketed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, orders.Length).Where(i => orders[i] is not null), cancellationToken, async (i, token) =>
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var order = await target.Client.GetOrderAsync(orders[i], tokens[i], token);
                if (order.IsSuccess && order.Value.Status == "ticketed")
                {
                    Interlocked.Increment(ref ticketed);
                    return;
                }
                await Task.Delay(50, token);
            }
        });
        return ticketed;
    }
}
