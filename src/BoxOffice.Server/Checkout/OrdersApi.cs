using System.Net.Mail;
using System.Security.Cryptography;
using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Staff;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace BoxOffice.Server.Checkout;

/// <summary>Orders: seats held until a deadline, paid through the gateway, then ticketed.</summary>
public static class OrdersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Checkout");
        orders.MapPost("/", CreateOrder).RequireRateLimiting(ClientLimits.Writes);
        orders.MapGet("/{orderId}", GetOrder);
        app.MapFallbackToFile("/orders/{orderId}", "order.html");
        return app;
    }

    private static async Task<Results<Created<OrderCreated>, Ok<OrderCreated>, ValidationProblem, ProblemHttpResult>> CreateOrder(
        HttpRequest http,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        CreateOrderRequest request,
        [AsParameters] OrderServices services,
        CancellationToken cancellationToken)
    {
        var (wish, errors) = Validate(idempotencyKey, request);
        if (wish is null)
            return TypedResults.ValidationProblem(errors);
        var requestHash = Hash(request, wish);

        var orderId = "ord_" + RandomNumberGenerator.GetString(Alphabet, 16);
        var token = await services.Tokens.DeriveAsync(orderId);
        var paymentId = "pay_" + RandomNumberGenerator.GetString(Alphabet, 16);
        var expiresAt = services.Time.GetUtcNow().AddSeconds(services.Options.Value.HoldSeconds);
        var order = new NewOrder(orderId, idempotencyKey!, requestHash, request.Email!.Trim(), ManageTokens.Hash(token), paymentId, 0, "", expiresAt.ToUnixTimeMilliseconds(), 0);

        var result = await services.Desks.SendAsync(request.EventId!, new HoldSeatsForOrder(wish, order, http.HttpContext.Buyer()) { Actor = http.HttpContext.Actor() });
        switch (result)
        {
            case null:
                return EventsApi.EventNotFound(request.EventId!);
            // The request names its event, so a key used on another event was used for a different request.
            case HoldResult.Existing existing when existing.RequestHash != requestHash:
            case HoldResult.KeyUsedElsewhere:
                return TypedResults.Problem(
                    title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was used for a different request; use a new key for a new order.",
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            case HoldResult.Existing existing:
                var existingOrder = (await services.Store.GetOrderAsync(existing.OrderId, cancellationToken))!;
                return TypedResults.Ok(await services.CreatedAsync(http, existingOrder.OrderId, existingOrder.State, existingOrder.Amount,
                    existingOrder.Currency, existingOrder.PaymentId, existingOrder.ExpiresAtMs, existingOrder.Seats.Select(seat => new BookedSeat(seat.Seat, seat.Name)).ToArray()));
            case HoldResult.Held held:
                services.Payments.Remember(paymentId, new PaymentRoute(orderId, request.EventId!), expiresAt);
                return TypedResults.Created($"/api/orders/{orderId}", await services.CreatedAsync(http, orderId, OrderState.AwaitingPayment,
                    held.Order.Amount, held.Order.Currency, paymentId, held.Order.ExpiresAtMs, held.Seats));
            case HoldResult.Refused { Reason: var reason }:
                return BookingsApi.Refusal(request.EventId!, reason);
            default:
                throw new InvalidOperationException($"Unexpected result {result}.");
        }
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrder(
        string orderId,
        [FromHeader(Name = BookingsApi.ManageTokenHeader)] string? manageToken,
        HttpRequest http,
        [AsParameters] OrderServices services,
        CancellationToken cancellationToken)
    {
        // A missing token and a wrong one look the same: neither tells whether the order exists.
        if (!await services.Tokens.VerifyAsync(orderId, manageToken) || await services.Store.GetOrderAsync(orderId, cancellationToken) is not { } order)
            return TypedResults.Problem(title: "Order not found", detail: $"No order '{orderId}' matches this manage token.", statusCode: StatusCodes.Status404NotFound);

        var seats = order.Seats.Select(seat => new BookedSeat(seat.Seat, seat.Name)).ToArray();
        var tickets = order.Tickets.Select(t => new TicketView(t.Code, t.Seat, t.Name, QrSvg(t.Code))).ToArray();
        var status = StatusNow(order, services.Time);
        var progress = new OrderProgress(order.TicketsIssued, order.TicketsTotal, ProgressText(status, order));
        return TypedResults.Ok(new OrderView(
            order.OrderId, order.EventId, status, seats, order.Amount, order.Currency,
            DateTimeOffset.FromUnixTimeMilliseconds(order.ExpiresAtMs), order.RefundDue, progress, tickets,
            (await services.PaymentPageAsync(http, order.PaymentId)).ToString()));
    }

    /// <summary>The order's status as of now: an unpaid order past its deadline is expired, swept or not.</summary>
    internal static string StatusNow(StoredOrder order, TimeProvider time) =>
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
}

/// <summary>What the order routes need besides the request, bound as one parameter.</summary>
public sealed record OrderServices(
    IBookingStore Store,
    EventDesks Desks,
    OrderTokens Tokens,
    PaymentRoutes Payments,
    IPaymentGateway Gateway,
    TimeProvider Time,
    IOptions<CheckoutOptions> Options)
{
    public Task<Uri> PaymentPageAsync(HttpRequest http, string paymentId) =>
        Gateway.PaymentPageAsync(new Uri($"{http.Scheme}://{http.Host}"), paymentId);

    /// <summary>The answer to a new order and to its retries: the manage token is derived again, never stored.</summary>
    public async Task<OrderCreated> CreatedAsync(
        HttpRequest http, string orderId, OrderState state, long amount, string currency, string paymentId, long expiresAtMs, IReadOnlyList<BookedSeat> seats) => new(
        orderId,
        OrderStates.Name(state),
        amount,
        currency,
        (await PaymentPageAsync(http, paymentId)).ToString(),
        DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs),
        await Tokens.DeriveAsync(orderId),
        seats);
}
