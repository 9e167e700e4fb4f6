namespace BoxOffice.Contracts;

/// <summary>
/// Body of <c>POST /api/orders</c> (with an <c>Idempotency-Key</c> header): named <c>Seats</c>, or the
/// best <c>Count</c> seats for <c>Names</c>, held for the buyer at <c>Email</c> until payment or the deadline.
/// </summary>
public sealed record CreateOrderRequest(
    string? EventId,
    IReadOnlyList<SeatRequest>? Seats,
    int? Count,
    IReadOnlyList<string>? Names,
    bool? Together,
    string? Category,
    string? Email);

/// <summary>
/// A new order. <c>ManageToken</c> is needed to read it; the same Idempotency-Key and body return it again.
/// <c>PaymentUrl</c> is the payment link, <c>/pay/{paymentId}#key=…</c>: its key opens the payment, so keep it like the token.
/// </summary>
public sealed record OrderCreated(
    string OrderId,
    string Status,
    long Amount,
    string Currency,
    string PaymentUrl,
    DateTimeOffset ExpiresAt,
    string ManageToken,
    IReadOnlyList<BookedSeat> Seats);

/// <summary>An order as its owner sees it. <c>Status</c> is current: an unpaid order past its deadline reads <c>expired</c>.</summary>
public sealed record OrderView(
    string OrderId,
    string EventId,
    string Status,
    IReadOnlyList<BookedSeat> Seats,
    long Amount,
    string Currency,
    DateTimeOffset ExpiresAt,
    bool RefundDue,
    OrderProgress Progress,
    IReadOnlyList<TicketView> Tickets,
    string PaymentUrl);

public sealed record OrderProgress(int Issued, int Total, string Text);

/// <summary>One ticket: a unique code and the same code as a QR code in SVG.</summary>
public sealed record TicketView(string Code, string Seat, string Name, string Qr);

/// <summary>
/// What the payment page shows (<c>GET /api/payments/{paymentId}</c> with the link's <c>X-Payment-Key</c>): no names,
/// only what is being paid for.
/// </summary>
public sealed record PaymentView(string PaymentId, string EventId, string EventTitle, long Amount, string Currency, IReadOnlyList<string> Seats, string Status, DateTimeOffset ExpiresAt);

/// <summary>
/// Body of <c>POST /api/payments/webhook</c>, signed in <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// (see <see cref="PaymentSignature"/>).
/// </summary>
public sealed record PaymentWebhook(string? PaymentId, string? Status);

/// <summary>What the order became, the answer to a webhook and to the fake gateway's decision.</summary>
public sealed record WebhookAnswer(string OrderId, string Status, bool RefundDue);

/// <summary>
/// Body of the fake gateway's button, <c>POST /api/payments/{paymentId}/decision</c> with the link's
/// <c>X-Payment-Key</c>: <c>paid</c> or <c>failed</c>. Only a payment's first decision counts.
/// </summary>
public sealed record PaymentDecision(string? Outcome);
