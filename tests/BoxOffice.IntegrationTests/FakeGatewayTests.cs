using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.IntegrationTests;

/// <summary>The fake gateway's payment page and its Pay and Decline, which only the payment link's key opens.</summary>
public sealed partial class FakeGatewayTests(CheckoutApp app) : IClassFixture<CheckoutApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private async Task<OrderCreated> CreateAsync(string eventId, string seat)
    {
        var response = await CheckoutApp.CreateOrderAsync(_client, Guid.NewGuid().ToString(),
            new { eventId, seats = new[] { new { seat, name = $"Guest {seat}" } }, email = "buyer@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderCreated>())!;
    }

    private async Task<string> StatusOf(string eventId, string seat) =>
        (await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}"))!.Seats.Single(s => s.Label == seat).Status;

    [GeneratedRegex("^http://[^/]+/pay/pay_[a-z0-9]+#key=[A-Za-z0-9_-]+$")]
    private static partial Regex PaymentLink();

    [Fact]
    public async Task The_payment_link_carries_a_key_of_256_bits_in_its_fragment_and_the_order_shows_the_same_link()
    {
        var eventId = await app.CreatePaidEventAsync();

        var order = await CreateAsync(eventId, "A1");

        Assert.Matches(PaymentLink(), order.PaymentUrl);
        Assert.Equal(32, Base64Url.DecodeFromChars(CheckoutApp.PaymentKey(order)).Length);
        Assert.Equal(order.PaymentUrl, (await CheckoutApp.GetOrderAsync(_client, order)).PaymentUrl);
    }

    [Fact]
    public async Task Without_the_link_key_or_with_another_payments_key_the_payment_is_not_found_and_nothing_changes()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A2");
        var other = await CreateAsync(eventId, "A3");
        var paymentId = CheckoutApp.PaymentId(order);

        var responses = new[]
        {
            await CheckoutApp.DecideAsync(_client, paymentId, "paid", key: null),
            await CheckoutApp.DecideAsync(_client, paymentId, "paid", CheckoutApp.PaymentKey(other)),
            await CheckoutApp.DecideAsync(_client, paymentId, "failed", "guess"),
            await CheckoutApp.GetPaymentAsync(_client, paymentId, key: null),
            await CheckoutApp.GetPaymentAsync(_client, paymentId, CheckoutApp.PaymentKey(other)),
        };

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.All(responses, response => Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType));
        var problems = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<ProblemDetails>()));
        Assert.Single(problems.Select(p => (p!.Title, p.Detail)).Distinct());
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_client, order)).Status);
        Assert.Equal("held", await StatusOf(eventId, "A2"));
    }

    [Fact]
    public async Task The_link_key_shows_the_payment_and_pays_it_and_a_second_decision_is_refused()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A4");
        var (paymentId, key) = (CheckoutApp.PaymentId(order), CheckoutApp.PaymentKey(order));

        var payment = await (await CheckoutApp.GetPaymentAsync(_client, paymentId, key)).Content.ReadFromJsonAsync<PaymentView>();
        var paid = await CheckoutApp.DecideAsync(_client, paymentId, "paid", key);
        var again = await CheckoutApp.DecideAsync(_client, paymentId, "paid", key);
        var declineAfter = await CheckoutApp.DecideAsync(_client, paymentId, "failed", key);

        Assert.Equal((1500L, "A4"), (payment!.Amount, Assert.Single(payment.Seats)));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal("paid", (await paid.Content.ReadFromJsonAsync<WebhookAnswer>())!.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, declineAfter.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("already decided", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await CheckoutApp.WaitForStatusAsync(_client, order, "ticketed")).Tickets);
    }

    [Fact]
    public async Task Decline_then_pay_leaves_the_order_cancelled_with_no_refund_due()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A5");
        var (paymentId, key) = (CheckoutApp.PaymentId(order), CheckoutApp.PaymentKey(order));

        var declined = await CheckoutApp.DecideAsync(_client, paymentId, "failed", key);
        var paid = await CheckoutApp.DecideAsync(_client, paymentId, "paid", key);

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, paid.StatusCode);
        var view = await CheckoutApp.GetOrderAsync(_client, order);
        Assert.Equal(("cancelled", false), (view.Status, view.RefundDue));
        Assert.Equal("available", await StatusOf(eventId, "A5"));
    }

    [Fact]
    public async Task Of_twenty_racing_pays_and_declines_exactly_one_decides_the_payment()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A6");
        var (paymentId, key) = (CheckoutApp.PaymentId(order), CheckoutApp.PaymentKey(order));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => CheckoutApp.DecideAsync(_client, paymentId, i % 2 == 0 ? "paid" : "failed", key)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var decided = (await winner.Content.ReadFromJsonAsync<WebhookAnswer>())!;
        var view = await CheckoutApp.WaitForStatusAsync(_client, order, decided.Status == "paid" ? "ticketed" : "cancelled");
        Assert.False(view.RefundDue);
    }

    [Fact]
    public async Task A_decision_other_than_paid_or_failed_is_a_bad_request()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A7");

        var response = await CheckoutApp.DecideAsync(_client, CheckoutApp.PaymentId(order), "maybe", CheckoutApp.PaymentKey(order));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_client, order)).Status);
    }
}
