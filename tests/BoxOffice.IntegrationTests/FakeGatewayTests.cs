using System.Buffers.Text;
using System.Net;
using System.Text.RegularExpressions;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>The fake gateway's payment page and its Pay and Decline, which only the payment link's key opens: written once, run on each store.</summary>
public abstract partial class FakeGatewayTests(CheckoutApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private async Task<OrderCreated> CreateAsync(string eventId, string seat) =>
        (await _api.CreateOrderAsync(new CreateOrderRequest(eventId, [new SeatRequest(seat, $"Guest {seat}")], null, null, null, null, "buyer@example.com"),
            Guid.NewGuid().ToString())).Created();

    private async Task<string> StatusOf(string eventId, string seat) =>
        (await _api.GetSeatMapAsync(eventId)).Value.Seats.Single(s => s.Label == seat).Status;

    [GeneratedRegex("^http://[^/]+/pay/pay_[a-z0-9]+#key=[A-Za-z0-9_-]+$")]
    private static partial Regex PaymentLinkPattern();

    [Fact]
    public async Task The_payment_link_carries_a_key_of_256_bits_in_its_fragment_and_the_order_shows_the_same_link()
    {
        var eventId = await app.CreatePaidEventAsync();

        var order = await CreateAsync(eventId, "A1");

        Assert.Matches(PaymentLinkPattern(), order.PaymentUrl);
        Assert.Equal(32, Base64Url.DecodeFromChars(PaymentLink.Of(order).Key).Length);
        Assert.Equal(order.PaymentUrl, (await CheckoutApp.GetOrderAsync(_api, order)).PaymentUrl);
    }

    [Fact]
    public async Task Without_the_link_key_or_with_another_payments_key_the_payment_is_not_found_and_nothing_changes()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A2");
        var other = await CreateAsync(eventId, "A3");
        var paymentId = PaymentLink.Of(order).PaymentId;
        var otherKey = PaymentLink.Of(other).Key;

        var responses = new ApiResult[]
        {
            await _api.DecidePaymentAsync(paymentId, "paid", paymentKey: null),
            await _api.DecidePaymentAsync(paymentId, "paid", otherKey),
            await _api.DecidePaymentAsync(paymentId, "failed", "guess"),
            await _api.GetPaymentAsync(paymentId, paymentKey: null),
            await _api.GetPaymentAsync(paymentId, otherKey),
        };

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.NotFound, response.Status));
        Assert.All(responses, response => Assert.Equal("application/problem+json", response.MediaType));
        Assert.Single(responses.Select(r => (r.Problem!.Title, r.Problem.Detail)).Distinct());
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_api, order)).Status);
        Assert.Equal("held", await StatusOf(eventId, "A2"));
    }

    [Fact]
    public async Task The_link_key_shows_the_payment_and_pays_it_and_a_second_decision_is_refused()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A4");
        var (paymentId, key) = PaymentLink.Of(order);

        var payment = (await _api.GetPaymentAsync(paymentId, key)).Value;
        var paid = await _api.DecidePaymentAsync(paymentId, "paid", key);
        var again = await _api.DecidePaymentAsync(paymentId, "paid", key);
        var declineAfter = await _api.DecidePaymentAsync(paymentId, "failed", key);

        Assert.Equal((1500L, "A4"), (payment.Amount, Assert.Single(payment.Seats)));
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Equal("paid", paid.Value.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(HttpStatusCode.Conflict, declineAfter.Status);
        Assert.Equal("application/problem+json", again.MediaType);
        Assert.Contains("already decided", again.Text, StringComparison.Ordinal);
        Assert.Single((await CheckoutApp.WaitForStatusAsync(_api, order, "ticketed")).Tickets);
    }

    [Fact]
    public async Task Decline_then_pay_leaves_the_order_cancelled_with_no_refund_due()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A5");
        var (paymentId, key) = PaymentLink.Of(order);

        var declined = await _api.DecidePaymentAsync(paymentId, "failed", key);
        var paid = await _api.DecidePaymentAsync(paymentId, "paid", key);

        Assert.Equal(HttpStatusCode.OK, declined.Status);
        Assert.Equal(HttpStatusCode.Conflict, paid.Status);
        var view = await CheckoutApp.GetOrderAsync(_api, order);
        Assert.Equal(("cancelled", false), (view.Status, view.RefundDue));
        Assert.Equal("available", await StatusOf(eventId, "A5"));
    }

    [Fact]
    public async Task Of_twenty_racing_pays_and_declines_exactly_one_decides_the_payment()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A6");
        var (paymentId, key) = PaymentLink.Of(order);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _api.DecidePaymentAsync(paymentId, i % 2 == 0 ? "paid" : "failed", key)));

        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(19, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        var decided = winner.Value;
        var view = await CheckoutApp.WaitForStatusAsync(_api, order, decided.Status == "paid" ? "ticketed" : "cancelled");
        Assert.False(view.RefundDue);
    }

    [Fact]
    public async Task A_decision_other_than_paid_or_failed_is_a_bad_request()
    {
        var eventId = await app.CreatePaidEventAsync();
        var order = await CreateAsync(eventId, "A7");

        var (paymentId, key) = PaymentLink.Of(order);

        var response = await _api.DecidePaymentAsync(paymentId, "maybe", key);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("awaiting_payment", (await CheckoutApp.GetOrderAsync(_api, order)).Status);
    }
}

public sealed class SqliteFakeGatewayTests(CheckoutApp app) : FakeGatewayTests(app), IClassFixture<CheckoutApp>;

public sealed class PostgresFakeGatewayTests(PostgresCheckoutApp app) : FakeGatewayTests(app), IClassFixture<PostgresCheckoutApp>;
