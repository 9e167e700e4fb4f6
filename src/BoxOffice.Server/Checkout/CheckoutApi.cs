using System.Net.Mail;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace BoxOffice.Server.Checkout;

/// <summary>Orders (hold, pay, ticket), the payment webhook, and the fake gateway behind the payment page.</summary>
public static partial class CheckoutApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    /// <summary>The payment link's key (the <c>#key=</c> of <c>paymentUrl</c>), which the fake gateway's routes require.</summary>
    public const string PaymentKeyHeader = "X-Payment-Key";
    private const int MaxWebhookBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        CheckoutExtensions.ReportPaymentMode(app.ServiceProvider);
        var orders = app.MapGroup("/api/orders").WithTags("Checkout");
        orders.MapPost("/", CreateOrder).RequireRateLimiting(ClientLimits.Writes);
        orders.MapGet("/{orderId}", GetOrder);
        var payments = app.MapGroup("/api/payments").WithTags("Checkout");
        payments.MapPost("/webhook", Webhook);
        payments.MapGet("/{paymentId}", GetPayment);
        payments.MapPost("/{paymentId}/decision", Decide).RequireRateLimiting(ClientLimits.Writes);
        app.MapFallbackToFile("/pay/{paymentId}", "pay.html");
        app.MapFallbackToFile("/orders/{orderId}", "order.html");
        return app;
    }

    private static async Task<Results<Created<OrderCreated>, Ok<OrderCreated>, ValidationProblem, ProblemHttpResult>> CreateOrder(
        HttpRequest http,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        CreateOrderRequest request,
        IBookingStore store,
        EventDesks desks,
        OrderTokens tokens,
        PaymentRoutes payments,
        IPaymentGateway gateway,
        TimeProvider time,
        IOptions<CheckoutOptions> options,
        CancellationToken cancellationToken)
    {
        var (wish, errors) = Validate(idempotencyKey, request);
        if (wish is null)
            return TypedResults.ValidationProblem(errors);
        var requestHash = Hash(request, wish);

        var orderId = "ord_" + RandomNumberGenerator.GetString(Alphabet, 16);
        var token = await tokens.DeriveAsync(orderId);
        var paymentId = "pay_" + RandomNumberGenerator.GetString(Alphabet, 16);
        var expiresAtMs = time.GetUtcNow().AddSeconds(options.Value.HoldSeconds).ToUnixTimeMilliseconds();
        var order = new NewOrder(orderId, idempotencyKey!, requestHash, request.Email!.Trim(), ManageTokens.Hash(token), paymentId, 0, "", expiresAtMs, 0);

        HoldResult? result;
        try
        {
            // The desk knows every key used on its event; the unique index catches a key reused on another.
            result = await desks.SendAsync(request.EventId!, new HoldSeatsForOrder(wish, order, http.HttpContext.Buyer()));
        }
        catch (DeskUnavailableException)
        {
            var earlier = await store.FindOrderByKeyAsync(idempotencyKey!, cancellationToken);
            if (earlier is null)
                throw;
            result = new HoldResult.Existing(earlier.OrderId, earlier.RequestHash);
        }
        switch (result)
        {
            case null:
                return EventsApi.EventNotFound(request.EventId!);
            case HoldResult.Existing existing:
                return await Replay(existing.OrderId, existing.RequestHash);
            case HoldResult.Held held:
                payments.Remember(held.Order.PaymentId, new PaymentRoute(held.Order.OrderId, request.EventId!), DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs));
                return TypedResults.Created($"/api/orders/{orderId}", new OrderCreated(
                    orderId, OrderStates.Name(OrderState.AwaitingPayment), held.Order.Amount, held.Order.Currency,
                    (await gateway.PaymentPageAsync(ServerAddress(http), paymentId)).ToString(), DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs), token, held.Seats));
            case HoldResult.Refused { Reason: var reason }:
                return BookingsApi.Refusal(request.EventId!, reason);
            default:
                throw new InvalidOperationException($"Unexpected result {result}.");
        }

        async Task<Results<Created<OrderCreated>, Ok<OrderCreated>, ValidationProblem, ProblemHttpResult>> Replay(string existingId, string existingHash)
        {
            if (existingHash != requestHash)
            {
                return TypedResults.Problem(
                    title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was used for a different request; use a new key for a new order.",
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            }
            var existingOrder = (await store.GetOrderAsync(existingId, cancellationToken))!;
            return TypedResults.Ok(await Created(existingOrder, http, gateway, tokens));
        }
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrder(
        string orderId, [FromHeader(Name = BookingsApi.ManageTokenHeader)] string? manageToken,
        HttpRequest http, IBookingStore store, OrderTokens tokens, IPaymentGateway gateway, TimeProvider time, CancellationToken cancellationToken)
    {
        // A missing token and a wrong one look the same: neither tells whether the order exists.
        if (!await tokens.VerifyAsync(orderId, manageToken) || await store.GetOrderAsync(orderId, cancellationToken) is not { } order)
            return TypedResults.Problem(title: "Order not found", detail: $"No order '{orderId}' matches this manage token.", statusCode: StatusCodes.Status404NotFound);

        var seats = order.Seats.Select(seat => new BookedSeat(seat.Seat, seat.Name)).ToArray();
        var tickets = order.Tickets.Select(t => new TicketView(t.Code, t.Seat, t.Name, QrSvg(t.Code))).ToArray();
        var status = StatusNow(order, time);
        var progress = new OrderProgress(order.TicketsIssued, order.TicketsTotal, ProgressText(status, order));
        return TypedResults.Ok(new OrderView(
            order.OrderId, order.EventId, status, seats, order.Amount, order.Currency,
            DateTimeOffset.FromUnixTimeMilliseconds(order.ExpiresAtMs), order.RefundDue, progress, tickets,
            (await gateway.PaymentPageAsync(ServerAddress(http), order.PaymentId)).ToString()));
    }

    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Webhook(
        HttpRequest http, IOptions<PaymentsOptions> options, TimeProvider time, PaymentRoutes payments, EventDesks desks, TicketIssuer tickets,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxWebhookBytes + 1];
        var length = await http.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var body = buffer.AsSpan(0, Math.Min(length, MaxWebhookBytes));
        var tolerance = TimeSpan.FromSeconds(options.Value.WebhookToleranceSeconds);
        if (length > MaxWebhookBytes || !PaymentSignature.Verify(options.Value.WebhookSecret!, http.Headers[PaymentSignature.Header], body, time.GetUtcNow(), tolerance))
        {
            return TypedResults.Problem(
                title: "Bad signature",
                detail: $"The {PaymentSignature.Header} header must be t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> with the webhook secret, "
                    + $"signed within {tolerance.TotalSeconds} s of now.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        PaymentWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize(body, ServerJson.Default.PaymentWebhook);
        }
        catch (JsonException)
        {
            webhook = null;
        }
        // A payment id is a provider's token: anything else (PostgreSQL refuses a NUL in text) is malformed, not unknown.
        if (webhook is not { PaymentId: { } paymentId, Status: "paid" or "failed" } || !PaymentIdPattern().IsMatch(paymentId))
            return TypedResults.Problem(title: "Bad webhook", detail: "Expected {\"paymentId\",\"status\":\"paid\"|\"failed\"}.", statusCode: StatusCodes.Status400BadRequest);
        if (await payments.FindAsync(paymentId, cancellationToken) is not { } order)
            return TypedResults.Problem(title: "Unknown payment", detail: $"No order has payment '{paymentId}'.", statusCode: StatusCodes.Status404NotFound);

        return await SettleAsync(paymentId, order, webhook.Status, new ApplyPayment(order.OrderId, webhook.Status), payments, desks, tickets, cancellationToken);
    }

    private static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> GetPayment(
        string paymentId, [FromHeader(Name = PaymentKeyHeader)] string? key,
        PaymentLinkKeys keys, IBookingStore store, EventDesks desks, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await keys.VerifyAsync(paymentId, key) || await store.FindOrderByPaymentAsync(paymentId, cancellationToken) is not { } order)
            return PaymentNotFound(paymentId);
        var facts = await desks.DescribeAsync(order.EventId);
        return TypedResults.Ok(new PaymentView(
            paymentId, order.EventId, facts?.Title ?? order.EventId, order.Amount, order.Currency,
            order.Seats.Select(seat => seat.Seat).ToArray(), StatusNow(order, time), DateTimeOffset.FromUnixTimeMilliseconds(order.ExpiresAtMs)));
    }

    /// <summary>
    /// The fake gateway's Pay and Decline buttons, for whoever holds the payment link. The outcome goes to
    /// the order's desk as a webhook's would, except that only the first decision counts: the desk refuses
    /// a second, so two racing clicks cannot both move the order.
    /// </summary>
    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Decide(
        string paymentId, PaymentDecision decision, [FromHeader(Name = PaymentKeyHeader)] string? key,
        PaymentLinkKeys keys, PaymentRoutes payments, EventDesks desks, TicketIssuer tickets, CancellationToken cancellationToken)
    {
        if (decision.Outcome is not ("paid" or "failed"))
            return TypedResults.Problem(title: "Bad decision", detail: "Outcome must be \"paid\" or \"failed\".", statusCode: StatusCodes.Status400BadRequest);
        if (!await keys.VerifyAsync(paymentId, key) || await payments.FindAsync(paymentId, cancellationToken) is not { } order)
            return PaymentNotFound(paymentId);

        return await SettleAsync(paymentId, order, decision.Outcome, new DecidePayment(order.OrderId, decision.Outcome), payments, desks, tickets, cancellationToken);
    }

    /// <summary>Sends a payment outcome to the order's desk, starts the tickets of a paid order, and answers with what the order became.</summary>
    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> SettleAsync(
        string paymentId, PaymentRoute order, string outcome, DeskCommand<PaymentResult> command,
        PaymentRoutes payments, EventDesks desks, TicketIssuer tickets, CancellationToken cancellationToken)
    {
        var result = await desks.SendAsync(order.EventId, command);
        switch (result)
        {
            case PaymentResult.Settled(var state, var refundDue, _, var seats):
                if (state == OrderState.Paid)
                    tickets.Enqueue(order.OrderId, seats);
                payments.Forget(paymentId);
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

    /// <summary>A missing key and a wrong one look the same: neither tells whether the payment exists.</summary>
    private static ProblemHttpResult PaymentNotFound(string paymentId) =>
        TypedResults.Problem(title: "Unknown payment", detail: $"No payment '{paymentId}' matches this payment key.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<OrderCreated> Created(StoredOrder order, HttpRequest http, IPaymentGateway gateway, OrderTokens tokens) => new(
        order.OrderId,
        OrderStates.Name(order.State),
        order.Amount,
        order.Currency,
        (await gateway.PaymentPageAsync(ServerAddress(http), order.PaymentId)).ToString(),
        DateTimeOffset.FromUnixTimeMilliseconds(order.ExpiresAtMs),
        await tokens.DeriveAsync(order.OrderId),
        order.Seats.Select(seat => new BookedSeat(seat.Seat, seat.Name)).ToArray());

    /// <summary>The order's status as of now: an unpaid order past its deadline is expired, swept or not.</summary>
    private static string StatusNow(StoredOrder order, TimeProvider time) =>
        order.State == OrderState.AwaitingPayment && order.ExpiresAtMs <= time.GetUtcNow().ToUnixTimeMilliseconds()
            ? OrderStates.Name(OrderState.Expired)
            : OrderStates.Name(order.State);

    private static string ProgressText(string status, StoredOrder order) => status switch
    {
        "awaiting_payment" => "waiting for payment",
        "paid" => $"issuing tickets {order.TicketsIssued}/{order.TicketsTotal}",
        "ticketed" => $"{order.TicketsTotal} tickets issued",
        "cancelled" => order.RefundDue ? "payment declined; a late payment will be refunded" : "payment declined; seats released",
        _ => order.RefundDue ? "expired; the late payment will be refunded" : "expired; seats released",
    };

    private static string QrSvg(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    private static Uri ServerAddress(HttpRequest http) => new($"{http.Scheme}://{http.Host}");

    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    private static (SeatWish? Wish, Dictionary<string, string[]> Errors) Validate(string? idempotencyKey, CreateOrderRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
            errors[IdempotencyKeyHeader] = ["Send an Idempotency-Key header of 1 to 200 characters, new for each order."];
        if (!EventCatalog.IsValidId(request.EventId))
            errors["eventId"] = ["eventId is required."];
        if (request.Email is not { Length: > 0 and <= 254 } email || !MailAddress.TryCreate(email.Trim(), out _))
            errors["email"] = ["A valid email address is required."];

        SeatWish wish;
        Dictionary<string, string[]> seatErrors;
        if (request.Seats is not null)
        {
            (var seats, seatErrors) = BookingsApi.ValidateSeats(request.Seats);
            wish = new SeatWish(seats, null, true, null);
        }
        else
        {
            (var names, seatErrors) = BookingsApi.ValidateBestAvailable(new BookingRequest(request.Seats, request.Count, request.Names, request.Together, request.Category));
            wish = new SeatWish(null, names, request.Together ?? true, request.Category);
        }
        foreach (var (field, messages) in seatErrors)
            errors[field] = messages;
        if (request.Seats is not null && request.Count is not null)
            errors["count"] = ["Give either \"seats\" or \"count\" with \"names\", not both."];
        if (errors.Count > 0)
            return (null, errors);
        return (wish, errors);
    }

    /// <summary>
    /// A stable digest of what was asked for, to tell a retry of the same order from a reuse of its key.
    /// It covers the names and seats as stored (trimmed, NFC), so a retry that spells a name in another
    /// Unicode form is still the same order.
    /// </summary>
    private static string Hash(CreateOrderRequest request, SeatWish wish)
    {
        var asStored = request with
        {
            Email = request.Email?.Trim().ToLowerInvariant(),
            Seats = wish.Named?.Select(seat => new SeatRequest(seat.Seat, seat.Name)).ToArray(),
            Names = wish.Names,
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(asStored, ServerJson.Default.CreateOrderRequest)));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex PaymentIdPattern();
}
