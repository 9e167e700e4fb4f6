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
    Task<bool> CreateEventAsync(EventRow row, CancellationToken cancellationToken);

    Task<IReadOnlyList<EventRow>> ListEventsAsync(CancellationToken cancellationToken);

    /// <summary>The event and every seat that is not plainly available, with the name on each live claim.</summary>
    Task<StoredEvent?> LoadEventAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// From one snapshot: the event's version, every seat changed after <paramref name="sinceVersion"/>, and the
    /// listed <paramref name="seats"/> whatever their version. A listed seat with no row has never changed. Null if unknown.
    /// </summary>
    Task<StoredChanges?> LoadChangesAsync(string eventId, long sinceVersion, IReadOnlyCollection<string> seats, CancellationToken cancellationToken);

    /// <summary>Applies one batch in one transaction, moving the event from <c>FromVersion</c> to <c>ToVersion</c>.</summary>
    Task CommitAsync(CommitBatch batch, CancellationToken cancellationToken);

    Task<StoredBooking?> GetBookingAsync(string reference, CancellationToken cancellationToken);

    /// <summary>What the database itself says about an event, checked against its own invariants; null if unknown.</summary>
    Task<StoredAudit?> AuditAsync(string eventId, CancellationToken cancellationToken);
}

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
    long CreatedAtMs);

public sealed record StoredEvent(EventRow Event, IReadOnlyList<StoredSeat> Seats);

public sealed record StoredSeat(string Seat, string Status, string? BookingReference, string? Name);

/// <summary>Seats as they are at <c>Version</c>, released ones included as <c>available</c>.</summary>
public sealed record StoredChanges(long Version, IReadOnlyList<StoredSeat> Seats);

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
    IReadOnlyList<StoreWrite> Writes);

public abstract record StoreWrite;

public sealed record InsertBooking(string Reference, string ManageTokenHash) : StoreWrite;

public sealed record ClaimSeat(string Seat, string Reference, string Name) : StoreWrite;

public sealed record ReleaseSeat(string Seat, string Reference) : StoreWrite;

public sealed record CancelBooking(string Reference) : StoreWrite;

/// <summary>A conditional write found the database in a state the desk did not expect; nothing was committed.</summary>
public sealed class StoreConflictException(string message) : Exception(message);
