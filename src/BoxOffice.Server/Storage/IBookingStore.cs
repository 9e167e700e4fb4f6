using BoxOffice.Contracts;

namespace BoxOffice.Server.Storage;

/// <summary>
/// The durable record of events, seats and bookings. Every write in <see cref="CommitAsync"/> is
/// conditional; when one finds the database not as the desk expected, the whole batch rolls back
/// and <see cref="StoreConflictException"/> is thrown, so a caller is never told about a write that did not happen.
/// </summary>
public interface IBookingStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the event; returns false, changing nothing, when the id is taken.</summary>
    /// <summary>Creates the event with its first log entry, by <paramref name="actor"/>; false, changing nothing, when the id is taken.</summary>
    Task<bool> CreateEventAsync(EventRow row, string actor, CancellationToken cancellationToken);

    /// <summary>The event's log after <paramref name="after"/> (a position from an earlier page; null for the start), in order.</summary>
    Task<IReadOnlyList<LogEntry>> ReadLogAsync(string eventId, LogPosition? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a tutorial flight (<paramref name="row"/> with <c>Tutorial</c> set) while fewer than
    /// <paramref name="maxFlights"/> exist. At the bound, the oldest flight with no live seat claim is first
    /// deleted with its seats and bookings, in the same transaction and only if it still has no live claim.
    /// Concurrent calls, from any number of processes, never take the count past the bound.
    /// </summary>
    Task<FlightCreation> CreateFlightAsync(EventRow row, int maxFlights, CancellationToken cancellationToken);

    /// <summary>
    /// Up to 1,000 events that are not tutorial flights, with their seats as of <paramref name="nowMs"/>: holds
    /// that have lapsed count as available. The public list has the listed events on sale that have not started,
    /// by start time (those without one last); staff see every event, newest first, with its takings.
    /// </summary>
    Task<IReadOnlyList<ListedEvent>> ListEventsAsync(long nowMs, bool forStaff, CancellationToken cancellationToken);

    /// <summary>The event and every seat that is not plainly available, with the name on each live claim.</summary>
    Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken);


    /// <summary>Applies one batch in one transaction, moving the event from <c>FromVersion</c> to <c>ToVersion</c>.</summary>
    Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken);

    Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken);

    Task<StoredOrder?> GetOrderAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>The order an idempotency key created, if any.</summary>
    Task<StoredOrder?> FindOrderByKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    Task<StoredOrder?> FindOrderByPaymentAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>Unpaid orders past their deadline, and paid orders not yet ticketed.</summary>
    Task<IReadOnlyList<DueOrder>> DueOrdersAsync(long nowMs, CancellationToken cancellationToken);


    /// <summary>
    /// A secret made by <paramref name="generate"/> once per database and kept in it, so it survives restarts;
    /// when processes race to make it, every one of them gets the one that was stored first.
    /// </summary>
    Task<byte[]> GetSecretAsync(string name, Func<byte[]> generate, CancellationToken cancellationToken);

    /// <summary>What the database itself says about an event, checked against its own invariants; null if unknown.</summary>
    Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Admits a ticket of a ticketed order of the scan's event, unless it was admitted before: an insert on the
    /// ticket's unique key, so of any number of concurrent scans exactly one is recorded. An offline scan
    /// (<see cref="AdmissionScan.EarliestWins"/>) replaces a later one. Returns the ticket as it stands after
    /// the write, or null when no ticket has the id.
    /// </summary>
    Task<StoredAdmission?> AdmitAsync(AdmissionScan scan, CancellationToken cancellationToken);

    /// <summary>The ids of the event's tickets whose order is no longer ticketed (cancelled, refunded…).</summary>
    Task<IReadOnlyList<string>> RevokedTicketsAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>How many tickets of the event each gate has admitted, by gate name.</summary>
    Task<IReadOnlyList<(string Gate, int Admitted)>> AdmissionsByGateAsync(string eventId, CancellationToken cancellationToken);
}

/// <summary>One scan of a ticket at a gate, at <c>ScannedAtMs</c>.</summary>
public sealed record AdmissionScan(string TicketId, string EventId, string Gate, long ScannedAtMs, long NowMs, bool EarliestWins);

/// <summary>
/// A ticket after a scan: its seat, name and order state, and its admission, if any. <c>Recorded</c> is true when
/// this scan is the one the admission now holds.
/// </summary>
public sealed record StoredAdmission(string Seat, string Name, OrderState OrderState, string? Gate, long? AdmittedAtMs, bool Recorded);

public sealed record StoredAudit(long Version, int SeatCount, int AvailableCount, IReadOnlyDictionary<string, int> ClaimedByStatus, IReadOnlyList<AuditAnomaly> Anomalies);

public sealed record EventRow(
    string Id,
    string Title,
    string LayoutJson,
    IReadOnlyDictionary<string, long> Prices,
    string Currency,
    int SeatCount,
    int AvailableCount,
    long Version,
    long CreatedAtMs,
    bool Tutorial = false)
{
    public EventDetails Details { get; init; } = EventDetails.None;

    public EventSales Sales { get; init; } = EventSales.Open;
}

/// <summary>An event in a list; <c>Takings</c> only in the staff list, as the public one never shows them.</summary>
public sealed record ListedEvent(EventRow Event, int Available, int Held, EventTakings? Takings = null);

/// <summary>What an event has sold: seats booked (by bookings and by orders paid for), and the amounts of its paid and ticketed orders in minor units.</summary>
/// <summary>Seats booked, seats staff hold back (a hold's reference starts with <c>hold:</c>), and the money of paid orders.</summary>
public sealed record EventTakings(int Booked, long Revenue, int HeldByStaff);

public enum FlightOutcome
{
    Created,
    /// <summary>The id is taken, by a flight or by another event; nothing changed.</summary>
    IdTaken,
    /// <summary>The bound is reached and no flight could make room.</summary>
    Full,
}

/// <summary>
/// What creating a tutorial flight did; <c>Evicted</c> is the flight deleted to make room, if any, whose desk must
/// go too. A bound lowered since the flights were made is reached again one eviction per attempt, so even
/// <see cref="FlightOutcome.Full"/> may come with one.
/// </summary>
public sealed record FlightCreation(FlightOutcome Outcome, string? Evicted = null);

/// <summary>An event as its desk needs it: the event row, every seat that is not plainly available, and its orders.</summary>
public sealed record StoredEvent(EventRow Event, IReadOnlyList<StoredSeat> Seats, IReadOnlyList<StoredOrder> Orders);

/// <summary>An order with its seats (released ones too), its tickets and the webhook outcomes it has received.</summary>
public sealed record StoredOrder(
    string OrderId,
    string EventId,
    string IdempotencyKey,
    string RequestHash,
    string PaymentId,
    long Amount,
    string Currency,
    OrderState State,
    bool RefundDue,
    long ExpiresAtMs,
    int TicketsTotal,
    int TicketsIssued,
    IReadOnlyList<StoredBookingSeat> Seats,
    IReadOnlyList<StoredTicket> Tickets,
    IReadOnlyList<string> PaymentsReceived,
    string? ClientKey = null);

/// <summary>Where an entry is in its event's log: the version its change committed, and its place in that commit.</summary>
public readonly record struct LogPosition(long Version, int N)
{
    public override string ToString() => $"{Version}.{N}";

    public static bool TryParse(string? text, out LogPosition position)
    {
        position = default;
        var parts = text?.Split('.');
        if (parts is not [var version, var n] || !long.TryParse(version, System.Globalization.NumberStyles.None, null, out var v)
            || !int.TryParse(n, System.Globalization.NumberStyles.None, null, out var i))
        {
            return false;
        }
        position = new LogPosition(v, i);
        return true;
    }
}

public sealed record LogEntry(LogPosition Position, long AtMs, string Actor, string Action, string Details);

public sealed record StoredTicket(string Code, string Seat, string Name);

/// <summary>An order whose next step is due: expiry for an unpaid one past its deadline, ticketing for a paid one.</summary>
public sealed record DueOrder(string OrderId, string EventId, OrderState State);

/// <summary>A seat's row; <c>Client</c> is who made the live claim, for the per-client caps.</summary>
public sealed record StoredSeat(string Seat, string Status, string? BookingReference, string? Name, string? Client = null);


public sealed record StoredBooking(
    string Reference,
    string EventId,
    string ManageTokenHash,
    long CreatedAtMs,
    long? CancelledAtMs,
    IReadOnlyList<StoredBookingSeat> Seats);

public sealed record StoredBookingSeat(string Seat, string Name, bool Released);

/// <summary>One desk batch: ordered writes that move an event from one version to the next.</summary>
public sealed record CommitBatch(
    string EventId,
    long FromVersion,
    long ToVersion,
    int AvailableDelta,
    long NowMs,
    IReadOnlyList<StoreWrite> Writes)
{
    /// <summary>Who asked for each write, for the event log; a write beyond the list is the system's.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];
}

public abstract record StoreWrite;

public sealed record InsertBooking(string Reference, string ManageTokenHash, string? ClientKey = null) : StoreWrite;

public sealed record ClaimSeat(string Seat, string Reference, string Name) : StoreWrite;

public sealed record ReleaseSeat(string Seat, string Reference) : StoreWrite;

public sealed record CancelBooking(string Reference) : StoreWrite;

/// <summary>A new order, and the booking record its held seats are claimed under (its reference is the order id).</summary>
public sealed record InsertOrder(NewOrder Order) : StoreWrite;

[GenerateSerializer, Immutable]
public sealed record NewOrder(
    string OrderId,
    string IdempotencyKey,
    string RequestHash,
    string Email,
    string ManageTokenHash,
    string PaymentId,
    long Amount,
    string Currency,
    long ExpiresAtMs,
    int TicketsTotal,
    string? ClientKey = null);

public sealed record HoldSeat(string Seat, string OrderId, string Name) : StoreWrite;

public sealed record ConfirmSeat(string Seat, string OrderId) : StoreWrite;

/// <summary>A compare-and-set on the order's state: it fails, and the batch with it, unless the order is still <c>From</c>.</summary>
public sealed record TransitionOrder(string OrderId, OrderState From, OrderState To, bool RefundDue) : StoreWrite;

/// <summary>
/// The order's ticket number <c>Number</c>: a compare-and-set on the count issued so far, and a unique code and
/// ticket id (the one the code is signed for).
/// </summary>
public sealed record IssueTicket(string OrderId, StoredTicket Ticket, int Number, string TicketId) : StoreWrite;

/// <summary>
/// The event's title, prices, details and sales as <c>Row</c> has them; with <c>LayoutChanged</c> its layout
/// and seat counts too (only while nothing is held or sold, so every seat is available but the blocked ones).
/// </summary>
public sealed record UpdateEventRow(EventRow Row, bool LayoutChanged) : StoreWrite;

/// <summary>
/// Staff keep <c>Seats</c> back under a named hold (its booking record is made on first use): held, for sale by
/// staff only, or blocked, never sold.
/// </summary>
public sealed record KeepSeatsBack(string Reference, string HoldName, bool Blocked, IReadOnlyList<string> Seats) : StoreWrite;

/// <summary>The hold's <c>Seats</c> go back on sale.</summary>
public sealed record ReleaseHeldBack(string Reference, string HoldName, IReadOnlyList<string> Seats) : StoreWrite;

/// <summary>The event and everything of it, refused (<see cref="StoreRefusal.EventHasSales"/>) if anything was ever sold.</summary>
public sealed record DeleteEventRows : StoreWrite;

/// <summary>A webhook outcome applied once: the key (payment, status) refuses a second row.</summary>
public sealed record RecordPayment(string PaymentId, string Status) : StoreWrite;

/// <summary>A conditional write found the database in a state the desk did not expect; nothing was committed.</summary>
public sealed class StoreConflictException(string message, StoreRefusal refusal = StoreRefusal.None) : Exception(message)
{
    /// <summary>Set when a unique key refused the write for a reason no reload changes; the command may answer it.</summary>
    public StoreRefusal Refusal { get; } = refusal;
}

public enum StoreRefusal
{
    None,

    /// <summary>An order on another event has the idempotency key: the desk of this one cannot know it.</summary>
    IdempotencyKeyTaken,

    /// <summary>The event has sold something, ever, so its records stay: it can be cancelled, not deleted.</summary>
    EventHasSales,
}
