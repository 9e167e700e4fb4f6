using BoxOffice.Contracts;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server.Checkout;

/// <summary>The fake gateway behind the payment page: what one payment is for, and its Pay and Decline buttons.</summary>
public static class FakeGatewayApi
{
    /// <summary>The payment link's key (the <c>#key=</c> of <c>paymentUrl</c>), which the fake gateway's routes require.</summary>
    public const string PaymentKeyHeader = "X-Payment-Key";

    public static IEndpointRouteBuilder MapFakeGateway(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/payments").WithTags("Checkout");
        payments.MapGet("/{paymentId}", GetPayment);
        payments.MapPost("/{paymentId}/decision", Decide).RequireRateLimiting(ClientLimits.Writes);
        app.MapFallbackToFile("/pay/{paymentId}", "pay.html");
        return app;
    }

    private static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> GetPayment(
        string paymentId,
        [FromHeader(Name = PaymentKeyHeader)] string? key,
        PaymentLinkKeys keys,
        IBookingStore store,
        EventDesks desks,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!await keys.VerifyAsync(paymentId, key) || await store.FindOrderByPaymentAsync(paymentId, cancellationToken) is not { } order)
            return PaymentNotFound(paymentId);
        var facts = await desks.DescribeAsync(order.EventId);
        return TypedResults.Ok(new PaymentView(
            paymentId, order.EventId, facts?.Title ?? order.EventId, order.Amount, order.Currency,
            order.Seats.Select(seat => seat.Seat).ToArray(), OrdersApi.StatusNow(order, time), DateTimeOffset.FromUnixTimeMilliseconds(order.ExpiresAtMs)));
    }

    /// <summary>
    /// The fake gateway's Pay and Decline buttons, for whoever holds the payment link. The outcome goes to
    /// the order's desk as a webhook's would, except that only the first decision counts: the desk refuses
    /// a second, so two racing clicks cannot both move the order.
    /// </summary>
    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Decide(
        string paymentId,
        PaymentDecision decision,
        [FromHeader(Name = PaymentKeyHeader)] string? key,
        PaymentLinkKeys keys,
        [AsParameters] PaymentSettlement settlement,
        CancellationToken cancellationToken)
    {
        if (decision.Outcome is not ("paid" or "failed"))
            return TypedResults.Problem(title: "Bad decision", detail: "Outcome must be \"paid\" or \"failed\".", statusCode: StatusCodes.Status400BadRequest);
        if (!await keys.VerifyAsync(paymentId, key) || await settlement.Payments.FindAsync(paymentId, cancellationToken) is not { } order)
            return PaymentNotFound(paymentId);

        return await settlement.SettleAsync(paymentId, order, decision.Outcome, new DecidePayment(order.OrderId, decision.Outcome) { Actor = "fake gateway" });
    }

    /// <summary>A missing key and a wrong one look the same: neither tells whether the payment exists.</summary>
    private static ProblemHttpResult PaymentNotFound(string paymentId) =>
        TypedResults.Problem(title: "Unknown payment", detail: $"No payment '{paymentId}' matches this payment key.", statusCode: StatusCodes.Status404NotFound);
}
