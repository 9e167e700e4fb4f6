using System.Text.Json;

namespace BoxOffice.Contracts;

/// <summary>Body of <c>POST /api/events</c>. <c>Prices</c> maps each seat category to minor units; 0 means free.</summary>
/// <remarks>
/// <c>Layout</c> is either a template, <c>{"template":"a320"}</c>, <c>{"template":"cinema","rows":12,"seatsPerRow":16}</c>,
/// <c>{"template":"stadium","sections":4,"rows":25,"seatsPerRow":40}</c>, or a custom layout
/// <c>{"sections":[{"name":"Main","rows":[{"name":"1","seats":[{"label":"1A","category":"standard","flags":["window"],"x":0}]}]}]}</c>.
/// </remarks>
/// <summary>
/// A new event (<c>POST /api/events</c>), or the fields to change (<c>PATCH /api/events/{id}</c>, where a
/// missing field keeps its value). Times are ISO 8601 with an offset, and <c>TimeZone</c> is the IANA zone
/// the event happens in. Without a status an event is <c>on_sale</c>, and without a window it sells at once.
/// </summary>
public sealed record CreateEventRequest(
    string? Id,
    string? Title,
    JsonElement? Layout,
    Dictionary<string, long>? Prices,
    string? Currency,
    string? Venue = null,
    string? Description = null,
    string? StartsAt = null,
    string? TimeZone = null,
    string? DoorsAt = null,
    string? EndsAt = null,
    string? SalesOpenAt = null,
    string? SalesCloseAt = null,
    string? Status = null,
    bool? Listed = null);

/// <summary>An event in the list. <c>Held</c> seats wait for payment and may come back; a lapsed hold counts as available.</summary>
public sealed record EventSummary(
    string Id,
    string Title,
    int SeatCount,
    int Available,
    int Held,
    string Currency,
    IReadOnlyDictionary<string, long> Prices,
    string Status = "on_sale",
    bool Listed = true,
    string Venue = "",
    string Description = "",
    DateTimeOffset? StartsAt = null,
    string? TimeZone = null,
    DateTimeOffset? DoorsAt = null,
    DateTimeOffset? EndsAt = null,
    DateTimeOffset? SalesOpenAt = null,
    DateTimeOffset? SalesCloseAt = null);

/// <summary>The public seat map of one event. It never carries names.</summary>
public sealed record SeatMapView(
    string Id,
    string Title,
    long Version,
    string Currency,
    IReadOnlyDictionary<string, long> Prices,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<SeatView> Seats);

public sealed record SeatView(
    string Label,
    string Section,
    string Row,
    string Category,
    IReadOnlyList<string> Flags,
    int X,
    int Y,
    string Status);

/// <summary>
/// <c>GET /api/events/{id}/layout</c>: what never changes about an event, sent once and then revalidated by its
/// ETag. Rows list every seat in seat-map order, so the n-th character of the live snapshot is the status of the
/// n-th seat here. Statuses travel only in the live feed.
/// </summary>
public sealed record EventLayoutView(
    string Id,
    string Title,
    string Currency,
    IReadOnlyDictionary<string, long> Prices,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Sections,
    IReadOnlyList<LayoutRowView> Rows);

/// <summary>
/// A run of seats of one row, in columns: <c>Section</c> indexes the layout's sections, <c>Categories</c> its
/// categories, and each of <c>Flags</c> is a bit set (1 window, 2 aisle, 4 accessible, 8 blocked).
/// </summary>
public sealed record LayoutRowView(
    int Section,
    string Name,
    int Y,
    IReadOnlyList<string> Labels,
    IReadOnlyList<int> X,
    IReadOnlyList<int> Categories,
    IReadOnlyList<int> Flags);

/// <summary>
/// <c>GET /api/events/{id}/best-available</c>: the seats a best-available request would get now, to show before
/// anything is held. Another buyer may take them first; booking or ordering them by label then answers 409.
/// </summary>
public sealed record BestAvailableView(IReadOnlyList<string> Seats);

/// <summary>An admin's check of one event against the database: counts, version, and anything that breaks an invariant.</summary>
public sealed record EventAudit(string EventId, long Version, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<AuditAnomaly> Anomalies);

/// <summary>One broken invariant: <c>Kind</c> is <c>double_claim</c>, <c>booking_without_seat</c>, <c>seat_without_booking</c> or <c>count_drift</c>.</summary>
public sealed record AuditAnomaly(string Kind, string? Seat, string? Reference, string Detail);

/// <summary>
/// <c>GET /api/console/events</c> (staff): every event but tutorial flights, drafts and unlisted ones too, with its
/// seats by status (<c>available</c>, <c>held</c>, <c>booked</c>, <c>blocked</c>) and its revenue in minor units of its
/// currency: the amounts of its paid and ticketed orders.
/// </summary>
public sealed record ConsoleEvent(EventSummary Event, IReadOnlyDictionary<string, int> Counts, long Revenue);

/// <summary>One change to an event, as its log has it. <c>Seq</c> orders the log; <c>Actor</c> is an account, <c>ip:</c> an address, or <c>system</c>.</summary>
public sealed record EventLogEntry(string Seq, DateTimeOffset At, string Actor, string Action, string Details);

/// <summary>A page of an event's log; <c>Next</c> is the <c>after</c> of the next page, null on the last one.</summary>
public sealed record EventLogPage(IReadOnlyList<EventLogEntry> Entries, string? Next);

/// <summary>Staff keep <c>Seats</c> back under the hold <c>Name</c>: held for staff to sell, or with <c>Blocked</c>, never sold.</summary>
public sealed record HoldRequest(string? Name, IReadOnlyList<string>? Seats, bool? Blocked);

/// <summary>Puts a hold's seats back on sale: the ones given, or all of them when <c>Seats</c> is null.</summary>
public sealed record ReleaseHoldRequest(IReadOnlyList<string>? Seats);

public sealed record HoldView(string Name, IReadOnlyList<string> Held, IReadOnlyList<string> Blocked);
