using System.Text.Json;
using System.Text.Json.Serialization;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace BoxOffice.Server;

/// <summary>
/// Source-generated JSON for every wire type, so hot paths neither reflect nor allocate metadata.
/// The web defaults read numbers from strings; here a number must be a JSON number, whichever options use this context.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(EventSummary[]))]
[JsonSerializable(typeof(SeatMapView))]
[JsonSerializable(typeof(EventLayoutView))]
[JsonSerializable(typeof(BestAvailableView))]
[JsonSerializable(typeof(EventAudit))]
[JsonSerializable(typeof(ConsoleEvent[]))]
[JsonSerializable(typeof(StartLabRunRequest))]
[JsonSerializable(typeof(LabRun))]
[JsonSerializable(typeof(BookingRequest))]
[JsonSerializable(typeof(BookingResponse))]
[JsonSerializable(typeof(BookingView))]
[JsonSerializable(typeof(LiveSnapshot))]
[JsonSerializable(typeof(LiveDelta))]
[JsonSerializable(typeof(CompatSeat[]))]
[JsonSerializable(typeof(CompatBookRequest))]
[JsonSerializable(typeof(CompatMessage))]
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(OrderCreated))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(PaymentView))]
[JsonSerializable(typeof(CheckinRequest))]
[JsonSerializable(typeof(CheckinAnswer))]
[JsonSerializable(typeof(CheckinBatchRequest))]
[JsonSerializable(typeof(CheckinBatchAnswer))]
[JsonSerializable(typeof(CheckinKey))]
[JsonSerializable(typeof(RevokedTickets))]
[JsonSerializable(typeof(AdmissionCounts))]
[JsonSerializable(typeof(DecodedFrame))]
[JsonSerializable(typeof(PaymentWebhook))]
[JsonSerializable(typeof(WebhookAnswer))]
[JsonSerializable(typeof(PaymentDecision))]
[JsonSerializable(typeof(SiteInfo))]
[JsonSerializable(typeof(ServerMemory))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class ServerJson : JsonSerializerContext;
