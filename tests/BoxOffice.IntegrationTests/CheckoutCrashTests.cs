using System.Collections.Concurrent;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using Microsoft.Data.Sqlite;

namespace BoxOffice.IntegrationTests;

/// <summary>Checkouts against a real server process that is killed with SIGKILL while webhooks and ticketing are in flight.</summary>
public sealed class CheckoutCrashTests : IDisposable
{
    private const string AdminToken = "checkout-crash-admin-token-32-chars";
    private const string Secret = "checkout-crash-webhook-secret";
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"boxoffice-checkout-crash-{Guid.NewGuid():N}.db");

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Payments:WebhookSecret"] = Secret,
        // Long enough for both rounds' restarts on a busy machine, so a webhook never finds its hold lapsed.
        ["Checkout:HoldSeconds"] = "30",
        // Slow ticketing down so kills land between the steps of an order's tickets.
        ["Checkout:TicketStepMs"] = "40",
    };

    private Task<ServerProcess> StartAsync() => ServerProcess.StartAsync(_databasePath, AdminToken, Settings);

    [Fact]
    public async Task Every_order_ends_in_one_consistent_state_whenever_the_server_is_killed()
    {
        List<OrderCreated> orders;
        await using (var server = await StartAsync())
        {
            using var admin = new BoxOfficeClient(server.CreateClient(), AdminToken);
            await admin.NewEventAsync(Layouts.Cinema(10, 10), price: 2000, id: "crash-show");
            orders = [.. await Task.WhenAll(Enumerable.Range(0, 50).Select(i => CreateOrderAsync(admin, i)))];
        }

        // Two thirds are paid and a sixth declined, in two rounds, each cut short by SIGKILL; the rest never pay.
        var payments = orders.Select((order, i) => (order, status: i % 6 == 5 ? "failed" : i % 6 < 4 ? "paid" : null)).Where(p => p.status is not null).ToArray();
        var acknowledgedPaid = new ConcurrentBag<string>();
        foreach (var round in new[] { payments[..20], payments })
        {
            await using var server = await StartAsync();
            using var client = new BoxOfficeClient(server.CreateClient());
            // The kill lands once a quarter of the round is acknowledged, so it always cuts into live work,
            // however slow the machine is, rather than after a fixed delay that may come before any answer.
            var quarterAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acknowledgedThisRound = 0;
            var sending = Task.WhenAll(round.Select(async p =>
            {
                try
                {
                    var response = await client.SendPaymentWebhookAsync(
                        new PaymentWebhook(PaymentLink.Of(p.order).PaymentId, p.status!), Secret, DateTimeOffset.UtcNow);
                    if (!response.IsSuccess)
                        return;
                    if (response.Value.Status is "paid")
                        acknowledgedPaid.Add(p.order.OrderId);
                    if (Interlocked.Increment(ref acknowledgedThisRound) == round.Length / 4)
                        quarterAcknowledged.TrySetResult();
                }
                catch (HttpRequestException)
                {
                }
            }));
            await Task.WhenAny(sending, quarterAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30)));
            await server.KillAsync();
            await sending;
        }

        await using (var final = await StartAsync())
        {
            using var client = new BoxOfficeClient(final.CreateClient(), AdminToken);
            // Bounded wait for recovery: ticketing resumes, and the sweeper releases holds once unpaid
            // orders pass their 30 s deadline (their status reads expired at once; the seat rows follow).
            // Nothing announces that recovery is over, so this asks until it is.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline
                && ((await Task.WhenAll(orders.Select(o => StatusAsync(client, o)))).Any(s => s is "awaiting_payment" or "paid")
                    || (await client.AuditAsync("crash-show")).Value.Counts["held"] > 0))
                await Task.Delay(100);
        }

        using var database = new SqliteConnection($"Data Source={_databasePath};Pooling=False");
        database.Open();
        Assert.Equal("ok", Scalar(database, "PRAGMA integrity_check"));
        Assert.Equal(0L, Scalar(database, "SELECT COUNT(*) FROM orders WHERE state NOT IN ('ticketed', 'cancelled', 'expired')"));
        Assert.Equal(0L, Scalar(database, "SELECT COUNT(*) FROM seats WHERE status = 'held'"));
        // Ticketed: every seat booked by the order and exactly one ticket per seat.
        Assert.Equal(0L, Scalar(database, """
            SELECT COUNT(*) FROM orders o
            WHERE o.state = 'ticketed' AND (
              o.tickets_issued <> o.tickets_total
              OR (SELECT COUNT(*) FROM tickets t WHERE t.order_id = o.order_id) <> o.tickets_total
              OR (SELECT COUNT(*) FROM seats s WHERE s.booking_ref = o.order_id AND s.status = 'booked') <> o.tickets_total)
            """));
        // Cancelled or expired: no seat kept, no ticket issued.
        Assert.Equal(0L, Scalar(database, """
            SELECT COUNT(*) FROM orders o
            WHERE o.state IN ('cancelled', 'expired') AND (
              EXISTS (SELECT 1 FROM seats s WHERE s.booking_ref = o.order_id)
              OR EXISTS (SELECT 1 FROM tickets t WHERE t.order_id = o.order_id))
            """));
        Assert.All(acknowledgedPaid, orderId => Assert.Equal("ticketed", Scalar(database, $"SELECT state FROM orders WHERE order_id = '{orderId}'")));
        Assert.True(acknowledgedPaid.Count >= 10, $"only {acknowledgedPaid.Count} payments were acknowledged");
    }

    private static async Task<OrderCreated> CreateOrderAsync(BoxOfficeClient client, int index) =>
        (await client.CreateOrderAsync(
            new CreateOrderRequest("crash-show", null, 2, [$"Ada {index}", $"Bob {index}"], null, null, "crash@example.com"), $"crash-{index}")).Created();

    private static async Task<string> StatusAsync(BoxOfficeClient client, OrderCreated order) =>
        (await client.GetOrderAsync(order.OrderId, order.ManageToken)).Value.Status;

    private static object? Scalar(SqliteConnection database, string sql)
    {
        using var command = database.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_databasePath + suffix);
    }
}
