using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Server.Storage;
using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Checkout;

/// <summary>The payment provider's signed webhook: a payment's outcome, applied to its order by the order's desk.</summary>
public static partial class PaymentWebhookApi
{
    public static IEndpointRouteBuilder MapPaymentWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/payments/webhook", Webhook).WithTags("Checkout").AddEndpointFilter(RequireSignature);
        return app;
    }

    /// <summary>Refuses a delivery that is too large or not signed with the webhook secret within the tolerance, before the handler sees it.</summary>
    private static async ValueTask<object?> RequireSignature(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var delivery = context.Arguments.OfType<WebhookDelivery>().Single();
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<PaymentsOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var tolerance = TimeSpan.FromSeconds(options.WebhookToleranceSeconds);
        if (delivery.TooLarge || !PaymentSignature.Verify(options.WebhookSecret!, context.HttpContext.Request.Headers[PaymentSignature.Header], delivery.Body.Span, now, tolerance))
        {
            return TypedResults.Problem(
                title: "Bad signature",
                detail: $"The {PaymentSignature.Header} header must be t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> with the webhook secret, "
                    + $"signed within {tolerance.TotalSeconds} s of now.",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
    }

    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Webhook(
        WebhookDelivery delivery, [AsParameters] PaymentSettlement settlement, CancellationToken cancellationToken)
    {
        PaymentWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize(delivery.Body.Span, ServerJson.Default.PaymentWebhook);
        }
        catch (JsonException)
        {
            webhook = null;
        }
        // A payment id is a provider's token: anything else (PostgreSQL refuses a NUL in text) is malformed, not unknown.
        if (webhook is not { PaymentId: { } paymentId, Status: "paid" or "failed" } || !PaymentIdPattern().IsMatch(paymentId))
            return TypedResults.Problem(title: "Bad webhook", detail: "Expected {\"paymentId\",\"status\":\"paid\"|\"failed\"}.", statusCode: StatusCodes.Status400BadRequest);
        if (await settlement.Payments.FindAsync(paymentId, cancellationToken) is not { } order)
            return TypedResults.Problem(title: "Unknown payment", detail: $"No order has payment '{paymentId}'.", statusCode: StatusCodes.Status404NotFound);

        return await settlement.SettleAsync(paymentId, order, webhook.Status, new ApplyPayment(order.OrderId, webhook.Status) { Actor = "payment provider" });
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex PaymentIdPattern();
}

/// <summary>A webhook's body as delivered, read up to its size limit, for the signature filter to check before anything parses it.</summary>
public sealed class WebhookDelivery
{
    private const int MaxBytes = 4 * 1024;

    private WebhookDelivery(byte[] buffer, int length)
    {
        Body = buffer.AsMemory(0, Math.Min(length, MaxBytes));
        TooLarge = length > MaxBytes;
    }

    public ReadOnlyMemory<byte> Body { get; }

    public bool TooLarge { get; }

    public static async ValueTask<WebhookDelivery> BindAsync(HttpContext context)
    {
        var buffer = new byte[MaxBytes + 1];
        var length = await context.Request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted);
        return new WebhookDelivery(buffer, length);
    }
}

/// <summary>
/// What settles a payment, whoever reports it (the provider's webhook or the fake gateway's buttons): the order's
/// desk decides, a paid order's tickets start, and the payment leaves the route cache. Bound as one parameter.
/// </summary>
public sealed record PaymentSettlement(PaymentRoutes Payments, EventDesks Desks, TicketIssuer Tickets)
{
    /// <summary>Sends a payment outcome to the order's desk, starts the tickets of a paid order, and answers with what the order became.</summary>
    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> SettleAsync(
        string paymentId, PaymentRoute order, string outcome, DeskCommand<PaymentResult> command)
    {
        var result = await Desks.SendAsync(order.EventId, command);
        switch (result)
        {
            case PaymentResult.Settled(var state, var refundDue, _):
                if (state == OrderState.Paid)
                    Tickets.Enqueue(order.OrderId, order.EventId);
                Payments.Forget(paymentId);
                return TypedResults.Ok(new WebhookAnswer(order.OrderId, OrderStates.Name(state), refundDue));
            case PaymentResult.Illegal illegal:
                return TypedResults.Problem(
                    title: "Illegal transition",
                    detail: $"Order {order.OrderId} is {OrderStates.Name(illegal.State)} and cannot become {outcome}.",
                    statusCode: StatusCodes.Status409Conflict);
            case PaymentResult.AlreadyDecided decided:
                return TypedResults.Problem(
                    title: "Payment already decided",
                    detail: $"This payment was already decided; the order is {OrderStates.Name(decided.State)}.",
                    statusCode: StatusCodes.Status409Conflict);
            default:
                throw new InvalidOperationException($"Unexpected result {result}.");
        }
    }
}
