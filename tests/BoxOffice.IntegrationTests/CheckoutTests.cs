using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.IntegrationTests;

public class CheckoutTests(CheckoutApp app) : IClassFixture<CheckoutApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private static object Order(string eventId, params string[] seats) =>
        new { eventId, seats = seats.Select(seat => new { seat, name = $"Guest {seat}" }).ToArray(), email = "buyer@example.com" };

    private async Task<OrderCreated> CreateAsync(string eventId, params string[] seats)
    {
        var response = await CheckoutApp.CreateOrderAsync(_client, Guid.NewGuid().ToString(), Order(eventId, seats));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderCreated>())!;
    }

    private async Task<string> StatusOf(string eventId, string seat) =>
        (await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}"))!.Seats.Single(s => s.Label == seat).Status;

    [Fact]
    public async Task An_order_holds_its_seats_and_paying_issues_one_ticket_per_seat()
    {
        var eventId = await app.CreatePaidEventAsync();

        var order = await CreateAsync(eventId, "A1", "A2");

        Assert.Equal(("awaiting_payment", 3000L, "EUR"), (order.Status, order.Amount, order.Currency));
        Assert.Equal("held", await StatusOf(eventId, "A1"));
        var paid = await app.WebhookAsync(_client, CheckoutApp.PaymentId(order), "paid");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var ticketed = await CheckoutApp.WaitForStatusAsync(_client, order, "ticketed");
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

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CheckoutApp.CreateOrderAsync(_client, key, Order(eventId, "B3"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        var orders = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<OrderCreated>()));
        Assert.Single(orders.Select(o => o!.OrderId).Distinct());
        Assert.Single(orders.Select(o => o!.ManageToken).Distinct());
        using var admin = app.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit");
        Assert.Equal((1, 0), (audit!.Counts["held"], audit.Anomalies.Count));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused()
    {
        var eventId = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        await CheckoutApp.CreateOrderAsync(_client, key, Order(eventId, "A5"));

        var reused = await CheckoutApp.CreateOrderAsync(_client, key, Order(eventId, "A6"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("available", await StatusOf(eventId, "A6"));
    }

    [Fact]
    public async Task A_key_reused_on_another_event_is_refused_and_holds_nothing_there()
    {
        var first = await app.CreatePaidEventAsync();
        var second = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        await CheckoutApp.CreateOrderAsync(_client, key, Order(first, "A5"));

        var reused = await CheckoutApp.CreateOrderAsync(_client, key, Order(second, "A5"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("available", await StatusOf(second, "A5"));
    }

    [Fact]
    public async Task A_retry_that_spells_a_name_in_another_unicode_form_is_the_same_order()
    {
        var eventId = await app.CreatePaidEventAsync();
        var key = Guid.NewGuid().ToString();
        var first = await CheckoutApp.CreateOrderAsync(_client, key, new { eventId, seats = new[] { new { seat = "A7", name = "Ren\u00e9e" } }, email = "r@example.com" });

        var retry = await CheckoutApp.CreateOrderAsync(_client, key, new { eventId, seats = new[] { new { seat = " A7", name = "Rene\u0301e " } }, email = "R@example.com" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<OrderCreated>())!.OrderId, (await retry.Content.ReadFromJsonAsync<OrderCreated>())!.OrderId);
    }

    [Fact]
    public async Task Orders_need_a_key_a_valid_email_and_a_paid_event()
    {
        var paid = await app.CreatePaidEventAsync();
        var free = await app.CreateEventAsync(new { template = "a320" });

        var noKey = await _client.PostAsJsonAsync("/api/orders", Order(paid, "A1"));
        var badEmail = await CheckoutApp.CreateOrderAsync(_client, "k-email", new { eventId = paid, seats = new[] { new { seat = "A1", name = "Ada" } }, email = "not an email" });
        var freeEvent = await CheckoutApp.CreateOrderAsync(_client, "k-free", Order(free, "1A"));
        var unknownSeat = await CheckoutApp.CreateOrderAsync(_client, "k-unknown", Order(paid, "Z9"));
        var direct = await _client.PostAsJsonAsync($"/api/events/{paid}/bookings", BoxOfficeApp.Seats(("A1", "Ada")));

        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, freeEvent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownSeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, direct.StatusCode);
    }

    [Fact]
    public async Task Webhooks_must_be_signed_and_name_a_known_payment()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A7");

        var unsigned = await app.WebhookAsync(_client, CheckoutApp.PaymentId(order), "paid", signature: "");
        var forged = await app.WebhookAsync(_client, CheckoutApp.PaymentId(order), "paid", signature: $"t={app.Time.GetUtcNow().ToUnixTimeSeconds()},v1={new string('0', 64)}");
        var unknown = await app.WebhookAsync(_client, "pay_nosuchpayment", "paid");
        var nonsense = await app.WebhookAsync(_client, CheckoutApp.PaymentId(order), "maybe");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_client, order)).Status);
    }

    [Fact]
    public async Task A_webhook_signed_outside_the_tolerance_is_refused_and_changes_nothing()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A8");
        var body = CheckoutApp.WebhookBody(CheckoutApp.PaymentId(order), "paid");
        var signedNow = app.SignNow(body);

        var fromTheFuture = await _client.SendAsync(CheckoutApp.WebhookRequest(body, CheckoutApp.Sign(CheckoutApp.WebhookSecret, app.Time.GetUtcNow().AddSeconds(301), body)));
        app.Time.Advance(TimeSpan.FromSeconds(301));
        var replayed = await _client.SendAsync(CheckoutApp.WebhookRequest(body, signedNow));

        Assert.Equal(HttpStatusCode.Unauthorized, fromTheFuture.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("application/problem+json", replayed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_client, order)).Status);
        Assert.Equal("held", await StatusOf(eventId, "A8"));
    }

    [Fact]
    public async Task A_signature_in_uppercase_hex_is_accepted()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A10");
        var body = CheckoutApp.WebhookBody(CheckoutApp.PaymentId(order), "paid");
        var signature = app.SignNow(body);
        var mac = signature.Split("v1=")[1];

        var paid = await _client.SendAsync(CheckoutApp.WebhookRequest(body, signature.Replace(mac, mac.ToUpperInvariant(), StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal("paid", (await paid.Content.ReadFromJsonAsync<WebhookAnswer>())!.Status);
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
        var body = CheckoutApp.WebhookBody(CheckoutApp.PaymentId(order), "paid");
        var now = app.Time.GetUtcNow().ToUnixTimeSeconds();
        var mac = app.SignNow(body).Split("v1=")[1];
        var header = template
            .Replace("{t}", now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{mac}", mac, StringComparison.Ordinal)
            .Replace("{short}", mac[..^2], StringComparison.Ordinal)
            .Replace("{nonhex}", new string('z', 64), StringComparison.Ordinal);

        var response = await _client.SendAsync(CheckoutApp.WebhookRequest(body, header));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_client, order)).Status);
    }

    [Fact]
    public async Task Repeated_and_out_of_order_webhooks_change_nothing_twice()
    {
        var eventId = await app.CreatePaidEventAsync();
        var paidOrder = await CreateAsync(eventId, "B1");
        var declinedOrder = await CreateAsync(eventId, "B2");

        var first = await (await app.WebhookAsync(_client, CheckoutApp.PaymentId(paidOrder), "paid")).Content.ReadFromJsonAsync<WebhookAnswer>();
        var repeat = await (await app.WebhookAsync(_client, CheckoutApp.PaymentId(paidOrder), "paid")).Content.ReadFromJsonAsync<WebhookAnswer>();
        var declineAfterPay = await app.WebhookAsync(_client, CheckoutApp.PaymentId(paidOrder), "failed");
        var declined = await app.WebhookAsync(_client, CheckoutApp.PaymentId(declinedOrder), "failed");
        var declinedAgain = await app.WebhookAsync(_client, CheckoutApp.PaymentId(declinedOrder), "failed");
        var payAfterDecline = await app.WebhookAsync(_client, CheckoutApp.PaymentId(declinedOrder), "paid");

        Assert.Equal(new WebhookAnswer(paidOrder.OrderId, "paid", false), first);
        // A repeat changes nothing and tells where the order is now: its tickets may be issued already.
        Assert.Contains(repeat, new[] { first, first! with { Status = "ticketed" } });
        Assert.Equal(HttpStatusCode.Conflict, declineAfterPay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(await declined.Content.ReadAsStringAsync(), await declinedAgain.Content.ReadAsStringAsync());
        var refunded = await payAfterDecline.Content.ReadFromJsonAsync<WebhookAnswer>();
        Assert.Equal(("cancelled", true), (refunded!.Status, refunded.RefundDue));
        Assert.Single((await CheckoutApp.WaitForStatusAsync(_client, paidOrder, "ticketed")).Tickets);
        Assert.Equal("available", await StatusOf(eventId, "B2"));

        // Ticketing moved the order through its desk, so a decline now meets the order as it is.
        var declineAfterTickets = await app.WebhookAsync(_client, CheckoutApp.PaymentId(paidOrder), "failed");
        Assert.Equal(HttpStatusCode.Conflict, declineAfterTickets.StatusCode);
        Assert.Contains("is ticketed and cannot become failed", (await declineAfterTickets.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lapsed_hold_is_released_and_the_seat_sells_again_while_a_late_payment_is_flagged_for_refund()
    {
        var eventId = await app.CreatePaidEventAsync();
        var first = await CreateAsync(eventId, "A9");

        app.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("expired", (await CheckoutApp.GetOrderAsync(_client, first)).Status);
        Assert.Equal("available", await StatusOf(eventId, "A9"));
        var second = await CreateAsync(eventId, "A9");
        var late = await (await app.WebhookAsync(_client, CheckoutApp.PaymentId(first), "paid")).Content.ReadFromJsonAsync<WebhookAnswer>();
        await app.WebhookAsync(_client, CheckoutApp.PaymentId(second), "paid");

        Assert.Equal(("expired", true), (late!.Status, late.RefundDue));
        var firstView = await CheckoutApp.GetOrderAsync(_client, first);
        Assert.True(firstView.RefundDue);
        Assert.Empty(firstView.Tickets);
        Assert.Equal("A9", Assert.Single((await CheckoutApp.WaitForStatusAsync(_client, second, "ticketed")).Tickets).Seat);
    }

    [Fact]
    public async Task The_order_page_needs_the_manage_token()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "B9");

        var missing = await _client.GetAsync($"/api/orders/{order.OrderId}");
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{order.OrderId}") { Headers = { { "X-Manage-Token", "guess" } } };
        var wrong = await _client.SendAsync(wrongRequest);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var payment = await (await CheckoutApp.GetPaymentAsync(_client, CheckoutApp.PaymentId(order), CheckoutApp.PaymentKey(order))).Content.ReadFromJsonAsync<PaymentView>();
        Assert.Equal((1500L, "awaiting_payment"), (payment!.Amount, payment.Status));
        Assert.DoesNotContain("Guest", JsonSerializer.Serialize(payment), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_hundred_buyers_for_a_hundred_paid_seats_end_with_exactly_a_hundred_ticketed()
    {
        var eventId = await app.CreatePaidEventAsync(rows: 10, seatsPerRow: 10);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => CheckoutApp.CreateOrderAsync(_client, $"rush-{eventId}-{i}",
            new { eventId, count = 1, names = new[] { $"Buyer {i}" }, email = $"buyer{i}@example.com" })));
        var orders = await Task.WhenAll(attempts.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadFromJsonAsync<OrderCreated>()));
        Assert.Equal(100, orders.Length);
        Assert.Equal(200, attempts.Count(r => r.StatusCode == HttpStatusCode.Conflict));

        // A fifth decline; their seats go to buyers who were turned away, who pay.
        var declined = orders.Take(20).ToArray();
        await Task.WhenAll(declined.Select(o => app.WebhookAsync(_client, CheckoutApp.PaymentId(o!), "failed")));
        var secondChance = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => CheckoutApp.CreateOrderAsync(_client, $"again-{eventId}-{i}",
            new { eventId, count = 1, names = new[] { $"Second {i}" }, email = "late@example.com" })));
        var payers = orders.Skip(20).Concat(await Task.WhenAll(secondChance.Select(r => r.Content.ReadFromJsonAsync<OrderCreated>()))).ToArray();
        var paid = await Task.WhenAll(payers.Select(o => app.WebhookAsync(_client, CheckoutApp.PaymentId(o!), "paid")));
        Assert.All(paid, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var final = await Task.WhenAll(payers.Select(o => CheckoutApp.WaitForStatusAsync(_client, o!, "ticketed")));
        Assert.Equal(100, final.Length);
        Assert.Equal(100, final.SelectMany(o => o.Tickets).Select(t => t.Seat).Distinct().Count());
        Assert.All(await Task.WhenAll(declined.Select(o => CheckoutApp.GetOrderAsync(_client, o!))), o => Assert.Equal("cancelled", o.Status));
        using var admin = app.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit");
        Assert.Empty(audit!.Anomalies);
        Assert.Equal((100, 0, 0), (audit.Counts["booked"], audit.Counts["held"], audit.Counts["available"]));
    }
}
