using System.Globalization;
using System.Net;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Orders, the signed payment webhook and ticketing: written once, run on each store.</summary>
public abstract class CheckoutTests(CheckoutApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private static CreateOrderRequest Order(string eventId, params string[] seats) =>
        new(eventId, [.. seats.Select(seat => new SeatRequest(seat, $"Guest {seat}"))], null, null, null, null, "buyer@example.com");

    private static CreateOrderRequest BestOrder(string eventId, string name, string email) => new(eventId, null, 1, [name], null, null, email);

    private Task<ApiResult<OrderCreated>> OrderAsync(string key, CreateOrderRequest order) => _api.CreateOrderAsync(order, key);

    private async Task<OrderCreated> CreateAsync(string eventId, params string[] seats) =>
        (await OrderAsync(Guid.NewGuid().ToString(), Order(eventId, seats))).Created();

    private async Task<string> StatusOf(string eventId, string seat) =>
        (await _api.GetSeatMapAsync(eventId)).Value.Seats.Single(s => s.Label == seat).Status;

    private Task<ApiResult<WebhookAnswer>> WebhookAsync(OrderCreated order, string status) => app.WebhookAsync(_api, PaymentLink.Of(order).PaymentId, status);

    private Task<ApiResult<WebhookAnswer>> SignedAsync(byte[] body, string signature) => _api.SendPaymentWebhookAsync(body, signature);

    private static byte[] WebhookBody(OrderCreated order, string status) => CheckoutApp.WebhookBody(PaymentLink.Of(order).PaymentId, status);

    [Fact]
    public async Task An_order_holds_its_seats_and_paying_issues_one_ticket_per_seat()
    {
        var eventId = await app.CreatePaidEventAsync();

        var order = await CreateAsync(eventId, "A1", "A2");

        Assert.Equal(("awaiting_payment", 3000L, "EUR"), (order.Status, order.Amount, order.Currency));
        Assert.Equal("held", await StatusOf(eventId, "A1"));
        var paid = await WebhookAsync(order, "paid");
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        var ticketed = await CheckoutApp.WaitForStatusAsync(_api, order, "ticketed");
        Assert.Equal(2, ticketed.Tickets.Count);
        Assert.Equal(2, ticketed.Tickets.Select(t => t.Code).Distinct().Count());
        Assert.All(ticketed.Tickets, t => Assert.StartsWith("<svg", t.Qr, StringComparison.Ordinal));
        Assert.Equal(new OrderProgress(2, 2, "2 tickets issued"), ticketed.Progress);
        Assert.Equal("booked", await StatusOf(eventId, "A2"));
    }

    [Fact]
    public async Task Twenty_concurrent_posts_with_one_key_make_exactly_one_order()
    {
        var eventId = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => OrderAsync(key, Order(eventId, "B3"))));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.Status, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        var orders = responses.Select(r => r.Value).ToArray();
        Assert.Single(orders.Select(o => o.OrderId).Distinct());
        Assert.Single(orders.Select(o => o.ManageToken).Distinct());
        var audit = (await _api.AuditAsync(eventId)).Value;
        Assert.Equal((1, 0), (audit.Counts["held"], audit.Anomalies.Count));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused()
    {
        var eventId = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        await OrderAsync(key, Order(eventId, "A5"));

        var reused = await OrderAsync(key, Order(eventId, "A6"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal("available", await StatusOf(eventId, "A6"));
    }

    [Fact]
    public async Task A_key_reused_on_another_event_is_refused_and_holds_nothing_there()
    {
        var first = await app.CreatePaidEventAsync();
        var second = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        await OrderAsync(key, Order(first, "A5"));

        var reused = await OrderAsync(key, Order(second, "A5"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal("available", await StatusOf(second, "A5"));
    }

    [Fact]
    public async Task A_retry_that_spells_a_name_in_another_unicode_form_is_the_same_order()
    {
        var eventId = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        var first = await OrderAsync(key, new CreateOrderRequest(eventId, [new SeatRequest("A7", "Ren\u00e9e")], null, null, null, null, "r@example.com"));

        var retry = await OrderAsync(key, new CreateOrderRequest(eventId, [new SeatRequest(" A7", "Rene\u0301e ")], null, null, null, null, "R@example.com"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(first.Value.OrderId, retry.Value.OrderId);
    }

    [Fact]
    public async Task Orders_need_a_key_a_valid_email_and_a_paid_event()
    {
        var paid = await app.CreatePaidEventAsync();
        var free = await app.CreateEventAsync(Layouts.A320);

        var noKey = await _api.CreateOrderAsync(Order(paid, "A1"), idempotencyKey: null);
        var badEmail = await OrderAsync("k-email", Order(paid, "A1") with { Email = "not an email" });
        var freeEvent = await OrderAsync("k-free", Order(free, "1A"));
        var unknownSeat = await OrderAsync("k-unknown", Order(paid, "Z9"));
        var direct = await _api.BookAsync(paid, Seats(("A1", "Ada")));

        Assert.Equal(HttpStatusCode.BadRequest, noKey.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.Status);
        Assert.Equal(HttpStatusCode.Conflict, freeEvent.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknownSeat.Status);
        Assert.Equal(HttpStatusCode.Conflict, direct.Status);
    }

    [Fact]
    public async Task Webhooks_must_be_signed_and_name_a_known_payment()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A7");

        var unsigned = await SignedAsync(WebhookBody(order, "paid"), signature: "");
        var forged = await SignedAsync(WebhookBody(order, "paid"), signature: $"t={app.Time.GetUtcNow().ToUnixTimeSeconds()},v1={new string('0', 64)}");
        var unknown = await app.WebhookAsync(_api, "pay_nosuchpayment", "paid");
        var nonsense = await WebhookAsync(order, "maybe");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.Status);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_api, order)).Status);
    }

    [Fact]
    public async Task A_webhook_signed_outside_the_tolerance_is_refused_and_changes_nothing()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A8");
        var body = WebhookBody(order, "paid");
        var signedNow = app.SignNow(body);

        var fromTheFuture = await SignedAsync(body, CheckoutApp.Sign(CheckoutApp.WebhookSecret, app.Time.GetUtcNow().AddSeconds(301), body));
        app.Time.Advance(TimeSpan.FromSeconds(301));
        var replayed = await SignedAsync(body, signedNow);

        Assert.Equal(HttpStatusCode.Unauthorized, fromTheFuture.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        Assert.Equal("application/problem+json", replayed.MediaType);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_api, order)).Status);
        Assert.Equal("held", await StatusOf(eventId, "A8"));
    }

    [Fact]
    public async Task A_signature_in_uppercase_hex_is_accepted()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A10");
        var body = WebhookBody(order, "paid");
        var signature = app.SignNow(body);
        var mac = signature.Split("v1=")[1];

        var paid = await SignedAsync(body, signature.Replace(mac, mac.ToUpperInvariant(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Equal("paid", paid.Value.Status);
    }

    [Theory]
    [InlineData("sha256={mac}")]
    [InlineData("t={t}")]
    [InlineData("v1={mac}")]
    [InlineData("v1={mac},t={t}")]
    [InlineData("t=,v1={mac}")]
    [InlineData("t=soon,v1={mac}")]
    [InlineData("t=-{t},v1={mac}")]
    [InlineData("t= {t},v1={mac}")]
    [InlineData("t=99999999999999999999999,v1={mac}")]
    [InlineData("t={t},v1=")]
    [InlineData("t={t},v1={mac}0")]
    [InlineData("t={t},v1={short}")]
    [InlineData("t={t},v1={nonhex}")]
    [InlineData("t={t},v1={mac},v1={mac}")]
    [InlineData("t={t};v1={mac}")]
    public async Task Malformed_signature_headers_are_unauthorized(string template)
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A1");
        var body = WebhookBody(order, "paid");
        var now = app.Time.GetUtcNow().ToUnixTimeSeconds();
        var mac = app.SignNow(body).Split("v1=")[1];
        var header = template
            .Replace("{t}", now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{mac}", mac, StringComparison.Ordinal)
            .Replace("{short}", mac[..^2], StringComparison.Ordinal)
            .Replace("{nonhex}", new string('z', 64), StringComparison.Ordinal);

        var response = await SignedAsync(body, header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_api, order)).Status);
    }

    [Fact]
    public async Task Repeated_and_out_of_order_webhooks_change_nothing_twice()
    {
        var eventId = await app.CreatePaidEventAsync();
        var paidOrder = await CreateAsync(eventId, "B1");
        var declinedOrder = await CreateAsync(eventId, "B2");

        var first = (await WebhookAsync(paidOrder, "paid")).Value;
        var repeat = (await WebhookAsync(paidOrder, "paid")).Value;
        var declineAfterPay = await WebhookAsync(paidOrder, "failed");
        var declined = await WebhookAsync(declinedOrder, "failed");
        var declinedAgain = await WebhookAsync(declinedOrder, "failed");
        var payAfterDecline = await WebhookAsync(declinedOrder, "paid");

        Assert.Equal(new WebhookAnswer(paidOrder.OrderId, "paid", false), first);
        // A repeat changes nothing and tells where the order is now: its tickets may be issued already.
        Assert.Contains(repeat, new[] { first, first with { Status = "ticketed" } });
        Assert.Equal(HttpStatusCode.Conflict, declineAfterPay.Status);
        Assert.Equal(HttpStatusCode.OK, declined.Status);
        Assert.Equal(declined.Text, declinedAgain.Text);
        var refunded = payAfterDecline.Value;
        Assert.Equal(("cancelled", true), (refunded.Status, refunded.RefundDue));
        Assert.Single((await CheckoutApp.WaitForStatusAsync(_api, paidOrder, "ticketed")).Tickets);
        Assert.Equal("available", await StatusOf(eventId, "B2"));

        // Ticketing moved the order through its desk, so a decline now meets the order as it is.
        var declineAfterTickets = await WebhookAsync(paidOrder, "failed");
        Assert.Equal(HttpStatusCode.Conflict, declineAfterTickets.Status);
        Assert.Contains("is ticketed and cannot become failed", declineAfterTickets.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lapsed_hold_is_released_and_the_seat_sells_again_while_a_late_payment_is_flagged_for_refund()
    {
        var eventId = await app.CreatePaidEventAsync();
        var first = await CreateAsync(eventId, "A9");

        app.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("expired", (await CheckoutApp.GetOrderAsync(_api, first)).Status);
        Assert.Equal("available", await StatusOf(eventId, "A9"));
        var second = await CreateAsync(eventId, "A9");
        var late = (await WebhookAsync(first, "paid")).Value;
        await WebhookAsync(second, "paid");

        Assert.Equal(("expired", true), (late.Status, late.RefundDue));
        var firstView = await CheckoutApp.GetOrderAsync(_api, first);
        Assert.True(firstView.RefundDue);
        Assert.Empty(firstView.Tickets);
        Assert.Equal("A9", Assert.Single((await CheckoutApp.WaitForStatusAsync(_api, second, "ticketed")).Tickets).Seat);
    }

    [Fact]
    public async Task The_order_page_needs_the_manage_token()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "B9");

        var missing = await _api.GetOrderAsync(order.OrderId, manageToken: null);
        var wrong = await _api.GetOrderAsync(order.OrderId, "guess");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.NotFound, wrong.Status);
        var link = PaymentLink.Of(order);
        var payment = (await _api.GetPaymentAsync(link.PaymentId, link.Key)).Value;
        Assert.Equal((1500L, "awaiting_payment"), (payment.Amount, payment.Status));
        Assert.DoesNotContain("Guest", JsonSerializer.Serialize(payment), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_hundred_buyers_for_a_hundred_paid_seats_end_with_exactly_a_hundred_ticketed()
    {
        var eventId = await app.CreatePaidEventAsync(rows: 10, seatsPerRow: 10);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            OrderAsync($"rush-{eventId}-{i}", BestOrder(eventId, $"Buyer {i}", $"buyer{i}@example.com"))));
        var orders = attempts.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Value).ToArray();
        Assert.Equal(100, orders.Length);
        Assert.Equal(200, attempts.Count(r => r.Status == HttpStatusCode.Conflict));

        // A fifth decline; their seats go to buyers who were turned away, who pay.
        var declined = orders.Take(20).ToArray();
        await Task.WhenAll(declined.Select(o => WebhookAsync(o, "failed")));
        var secondChance = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            OrderAsync($"again-{eventId}-{i}", BestOrder(eventId, $"Second {i}", "late@example.com"))));
        var payers = orders.Skip(20).Concat(secondChance.Select(r => r.Value)).ToArray();
        var paid = await Task.WhenAll(payers.Select(o => WebhookAsync(o, "paid")));
        Assert.All(paid, r => Assert.Equal(HttpStatusCode.OK, r.Status));

        var final = await Task.WhenAll(payers.Select(o => CheckoutApp.WaitForStatusAsync(_api, o, "ticketed")));
        Assert.Equal(100, final.Length);
        Assert.Equal(100, final.SelectMany(o => o.Tickets).Select(t => t.Seat).Distinct().Count());
        Assert.All(await Task.WhenAll(declined.Select(o => CheckoutApp.GetOrderAsync(_api, o))), o => Assert.Equal("cancelled", o.Status));
        var audit = (await _api.AuditAsync(eventId)).Value;
        Assert.Empty(audit.Anomalies);
        Assert.Equal((100, 0, 0), (audit.Counts["booked"], audit.Counts["held"], audit.Counts["available"]));
    }
}

public sealed class SqliteCheckoutTests(CheckoutApp app) : CheckoutTests(app), IClassFixture<CheckoutApp>;

public sealed class PostgresCheckoutTests(PostgresCheckoutApp app) : CheckoutTests(app), IClassFixture<PostgresCheckoutApp>;
