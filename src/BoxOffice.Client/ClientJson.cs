using System.Text.Json;
using System.Text.Json.Serialization;
using BoxOffice.Contracts;

namespace BoxOffice.Client;

/// <summary>
/// Source-generated JSON for every wire type the client sends or reads, so a load test's hot paths neither
/// reflect nor build metadata. Nulls are left out of requests, as a hand-written body would leave them out.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(EventSummary))]
[JsonSerializable(typeof(EventLogPage))]
[JsonSerializable(typeof(EventSummary[]))]
[JsonSerializable(typeof(SeatMapView))]
[JsonSerializable(typeof(EventAudit))]
[JsonSerializable(typeof(ConsoleEvent[]))]
[JsonSerializable(typeof(EventLayoutView))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(BookingRequest))]
[JsonSerializable(typeof(BookingResponse))]
[JsonSerializable(typeof(BookingView))]
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(OrderCreated))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(PaymentView))]
[JsonSerializable(typeof(PaymentWebhook))]
[JsonSerializable(typeof(PaymentDecision))]
[JsonSerializable(typeof(WebhookAnswer))]
[JsonSerializable(typeof(CompatSeat[]))]
[JsonSerializable(typeof(CompatBookRequest))]
[JsonSerializable(typeof(CompatMessage))]
[JsonSerializable(typeof(StartLabRunRequest))]
[JsonSerializable(typeof(LabRun))]
[JsonSerializable(typeof(LiveSnapshot))]
[JsonSerializable(typeof(LiveDelta))]
[JsonSerializable(typeof(SiteInfo))]
[JsonSerializable(typeof(ServerMemory))]
[JsonSerializable(typeof(Problem))]
internal sealed partial class ClientJson : JsonSerializerContext;
