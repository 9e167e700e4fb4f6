using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BoxOffice.Contracts;

namespace BoxOffice.Client;

/// <summary>
/// BoxOffice's HTTP API, typed: a method per route the load tool and the tests call, each answering an
/// <see cref="ApiResult{T}"/>. Staff routes carry the admin token it was given; no other route ever does.
/// It owns the <see cref="HttpClient"/> it wraps, whose base address is the server's.
/// </summary>
public sealed class BoxOfficeClient(HttpClient http, string? adminToken = null) : IDisposable
{
    private const string ManageTokenHeader = "X-Manage-Token";
    private const string PaymentKeyHeader = "X-Payment-Key";
    private const string JsonMediaType = "application/json";

    private static readonly MediaTypeHeaderValue JsonContentType = new(JsonMediaType);
    private static readonly BodyFormat<ServerMetrics> Metrics = new("text/plain", ServerMetrics.Parse);

    public Task<ApiResult<EventSummary[]>> ListEventsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Get, "/api/events"), Json.EventSummaries, cancellationToken);

    public Task<ApiResult<SeatMapView>> GetSeatMapAsync(string eventId, CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Get, $"/api/events/{Escape(eventId)}"), Json.SeatMap, cancellationToken);

    /// <summary>Staff: <c>201</c> with the new event's summary.</summary>
    public Task<ApiResult<EventSummary>> CreateEventAsync(CreateEventRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Post, "/api/events", JsonBody(request, ClientJson.Default.CreateEventRequest)), Json.EventSummary, cancellationToken);

    /// <summary>Staff: the fields given change (null keeps one); <c>200</c> with the event as it is now, <c>409</c> when its state forbids the change.</summary>
    public Task<ApiResult<EventSummary>> UpdateEventAsync(string eventId, CreateEventRequest changes, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Patch, $"/api/events/{Escape(eventId)}", JsonBody(changes, ClientJson.Default.CreateEventRequest)), Json.EventSummary, cancellationToken);

    /// <summary>Staff: <c>204</c>; <c>409</c> for an event that has sold anything.</summary>
    public Task<ApiResult> DeleteEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Delete, $"/api/events/{Escape(eventId)}"), cancellationToken);

    /// <summary>Staff: a page of the event's log after <paramref name="after"/> (the previous page's <c>Next</c>).</summary>
    public Task<ApiResult<EventLogPage>> ReadLogAsync(string eventId, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, $"/api/events/{Escape(eventId)}/log?limit={limit ?? 100}{(after is null ? "" : $"&after={Escape(after)}")}"),
            Json.EventLogPage, cancellationToken);

    /// <summary>Staff: the event checked against the database.</summary>
    public Task<ApiResult<EventAudit>> AuditAsync(string eventId, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, $"/api/events/{Escape(eventId)}/audit"), Json.Audit, cancellationToken);

    /// <summary>Staff: every event with its seats by status and its revenue, for the console.</summary>
    public Task<ApiResult<ConsoleEvent[]>> ListConsoleEventsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, "/api/console/events"), Json.ConsoleEvents, cancellationToken);

    /// <summary>Staff: the layout a layout document makes, as an event's <c>/layout</c> would have it, or <c>400</c> saying what is wrong.</summary>
    public Task<ApiResult<EventLayoutView>> PreviewLayoutAsync(JsonElement layout, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Post, "/api/console/layout-preview", JsonBody(layout, ClientJson.Default.JsonElement)), Json.Layout, cancellationToken);

    /// <summary><c>201</c> with the booking; <c>409</c> when a seat is taken or too few are left.</summary>
    public Task<ApiResult<BookingResponse>> BookAsync(string eventId, BookingRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Post, $"/api/events/{Escape(eventId)}/bookings") { Content = JsonBody(request, ClientJson.Default.BookingRequest) },
            Json.Booking, cancellationToken);

    public Task<ApiResult<BookingView>> GetBookingAsync(string reference, string? manageToken, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Get, $"/api/bookings/{Escape(reference)}"), ManageTokenHeader, manageToken), Json.BookingView, cancellationToken);

    /// <summary><c>204</c>, also for a booking cancelled before.</summary>
    public Task<ApiResult> CancelBookingAsync(string reference, string? manageToken, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Delete, $"/api/bookings/{Escape(reference)}"), ManageTokenHeader, manageToken), cancellationToken);

    /// <summary><c>201</c> with a new order; <c>200</c> with the same order for a repeat of the same key and body.</summary>
    public Task<ApiResult<OrderCreated>> CreateOrderAsync(CreateOrderRequest request, string? idempotencyKey, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Post, "/api/orders") { Content = JsonBody(request, ClientJson.Default.CreateOrderRequest) }, "Idempotency-Key", idempotencyKey),
            Json.OrderCreated, cancellationToken);

    public Task<ApiResult<OrderView>> GetOrderAsync(string orderId, string? manageToken, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Get, $"/api/orders/{Escape(orderId)}"), ManageTokenHeader, manageToken), Json.OrderView, cancellationToken);

    /// <summary>What the fake gateway's payment page reads, with the payment link's key.</summary>
    public Task<ApiResult<PaymentView>> GetPaymentAsync(string paymentId, string? paymentKey, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Get, $"/api/payments/{Escape(paymentId)}"), PaymentKeyHeader, paymentKey), Json.Payment, cancellationToken);

    /// <summary>The fake gateway's Pay (<c>paid</c>) or Decline (<c>failed</c>), with the payment link's key.</summary>
    public Task<ApiResult<WebhookAnswer>> DecidePaymentAsync(string paymentId, string outcome, string? paymentKey, CancellationToken cancellationToken = default) =>
        SendAsync(WithHeader(new(HttpMethod.Post, $"/api/payments/{Escape(paymentId)}/decision") { Content = JsonBody(new PaymentDecision(outcome), ClientJson.Default.PaymentDecision) },
            PaymentKeyHeader, paymentKey), Json.WebhookAnswer, cancellationToken);

    /// <summary>A payment provider's webhook, signed with <paramref name="webhookSecret"/> as of <paramref name="signedAt"/>.</summary>
    public Task<ApiResult<WebhookAnswer>> SendPaymentWebhookAsync(
        PaymentWebhook webhook, string webhookSecret, DateTimeOffset signedAt, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(webhook, ClientJson.Default.PaymentWebhook);
        return SendPaymentWebhookAsync(body, PaymentSignature.Sign(webhookSecret, signedAt.ToUnixTimeSeconds(), body), cancellationToken);
    }

    /// <summary>A webhook of exactly these bytes, with the <c>X-Signature</c> header as given, however malformed.</summary>
    public Task<ApiResult<WebhookAnswer>> SendPaymentWebhookAsync(ReadOnlyMemory<byte> body, string signature, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation(PaymentSignature.Header, signature);
        return SendAsync(request, Json.WebhookAnswer, cancellationToken);
    }

    /// <summary>The tutorial's <c>GET /seats</c>: the flight's seats, the flight made on first use.</summary>
    public Task<ApiResult<CompatSeat[]>> GetFlightSeatsAsync(string flightId, CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Get, $"/seats?flightId={Escape(flightId)}"), Json.FlightSeats, cancellationToken);

    /// <summary>The tutorial's <c>POST /book-seat</c>, which answers its own <see cref="CompatMessage"/> whatever the status.</summary>
    public Task<ApiResult<CompatMessage>> BookFlightSeatAsync(string flightId, CompatBookRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Post, $"/book-seat?flightId={Escape(flightId)}") { Content = JsonBody(request, ClientJson.Default.CompatBookRequest) },
            Json.CompatMessage, cancellationToken);

    /// <summary>Staff: <c>202</c> with the run just started; <c>404</c> when the server has no race lab.</summary>
    public Task<ApiResult<LabRun>> StartLabRunAsync(StartLabRunRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Post, "/api/lab/runs", JsonBody(request, ClientJson.Default.StartLabRunRequest)), Json.LabRun, cancellationToken);

    /// <summary>Staff: a run as it stands, or as it was kept.</summary>
    public Task<ApiResult<LabRun>> GetLabRunAsync(string runId, CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, $"/api/lab/runs/{Escape(runId)}"), Json.LabRun, cancellationToken);

    /// <summary>Staff: follows a run's server-sent events until the server ends them; the run as it ended.</summary>
    public async Task<LabRun> FollowLabRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        using var request = Admin(HttpMethod.Get, $"/api/lab/runs/{Escape(runId)}/progress");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(new ApiResult(response, await response.Content.ReadAsByteArrayAsync(cancellationToken)), null);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        LabRun? last = null;
        var events = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize(data, ClientJson.Default.LabRun)!);
        await foreach (var item in events.EnumerateAsync(cancellationToken))
            last = item.Data;
        return last ?? throw new InvalidOperationException($"The progress of lab run {runId} ended without a single event.");
    }

    /// <summary>A route that does nothing: what the server and machine can answer at all.</summary>
    public Task<ApiResult> PingAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Get, "/ping"), cancellationToken);

    public Task<ApiResult<SiteInfo>> GetSiteAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new(HttpMethod.Get, "/api/site"), Json.Site, cancellationToken);

    /// <summary><c>GET /metrics</c>, sent as staff, since only a server with <c>Metrics:Public</c> serves it to anyone.</summary>
    public Task<ApiResult<ServerMetrics>> GetMetricsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, "/metrics"), Metrics, cancellationToken);

    /// <summary>Staff: the server's heap after a full collection; every call pauses the server for that collection.</summary>
    public Task<ApiResult<ServerMemory>> GetMemoryAsync(CancellationToken cancellationToken = default) =>
        SendAsync(Admin(HttpMethod.Get, "/api/admin/memory"), Json.Memory, cancellationToken);

    public void Dispose() => http.Dispose();

    /// <summary>
    /// Sent the default way, so the client's timeout covers the body and a connection lost mid-body is an
    /// <see cref="HttpRequestException"/>; the body is buffered in pooled arrays and copied out once, at its size.
    /// </summary>
    private async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, BodyFormat<T> format, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await http.SendAsync(request, cancellationToken))
            return new ApiResult<T>(response, await response.Content.ReadAsByteArrayAsync(cancellationToken), format);
    }

    private async Task<ApiResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await http.SendAsync(request, cancellationToken))
            return new ApiResult(response, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    private HttpRequestMessage Admin(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (adminToken is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return request;
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    /// <summary>The body serialized up front, so it goes with a Content-Length rather than chunked.</summary>
    private static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>One reader per wire type, made once.</summary>
    private static class Json
    {
        public static readonly BodyFormat<EventSummary[]> EventSummaries = Of(ClientJson.Default.EventSummaryArray);
        public static readonly BodyFormat<EventSummary> EventSummary = Of(ClientJson.Default.EventSummary);
        public static readonly BodyFormat<EventLogPage> EventLogPage = Of(ClientJson.Default.EventLogPage);
        public static readonly BodyFormat<SeatMapView> SeatMap = Of(ClientJson.Default.SeatMapView);
        public static readonly BodyFormat<EventAudit> Audit = Of(ClientJson.Default.EventAudit);
        public static readonly BodyFormat<ConsoleEvent[]> ConsoleEvents = Of(ClientJson.Default.ConsoleEventArray);
        public static readonly BodyFormat<EventLayoutView> Layout = Of(ClientJson.Default.EventLayoutView);
        public static readonly BodyFormat<BookingResponse> Booking = Of(ClientJson.Default.BookingResponse);
        public static readonly BodyFormat<BookingView> BookingView = Of(ClientJson.Default.BookingView);
        public static readonly BodyFormat<OrderCreated> OrderCreated = Of(ClientJson.Default.OrderCreated);
        public static readonly BodyFormat<OrderView> OrderView = Of(ClientJson.Default.OrderView);
        public static readonly BodyFormat<PaymentView> Payment = Of(ClientJson.Default.PaymentView);
        public static readonly BodyFormat<WebhookAnswer> WebhookAnswer = Of(ClientJson.Default.WebhookAnswer);
        public static readonly BodyFormat<CompatSeat[]> FlightSeats = Of(ClientJson.Default.CompatSeatArray);
        public static readonly BodyFormat<CompatMessage> CompatMessage = Of(ClientJson.Default.CompatMessage);
        public static readonly BodyFormat<LabRun> LabRun = Of(ClientJson.Default.LabRun);
        public static readonly BodyFormat<SiteInfo> Site = Of(ClientJson.Default.SiteInfo);
        public static readonly BodyFormat<ServerMemory> Memory = Of(ClientJson.Default.ServerMemory);

        private static BodyFormat<T> Of<T>(JsonTypeInfo<T> type) => new(JsonMediaType, body => JsonSerializer.Deserialize(body.Span, type)!);
    }
}
