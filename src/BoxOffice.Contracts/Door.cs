namespace BoxOffice.Contracts;

/// <summary>
/// Body of <c>POST /api/checkin</c>: a ticket's signed <c>Code</c> scanned at <c>Gate</c> of event <c>EventId</c>.
/// The event is required: a door admits guests of one event, and a valid ticket for another is <c>wrong_event</c>.
/// </summary>
public sealed record CheckinRequest(string? Code, string? Gate, string? EventId);

/// <summary>
/// What a scan found. <c>Result</c> is one of <see cref="CheckinResults"/>; <c>AdmittedAt</c> and <c>Gate</c> are
/// of the admission that counts (the first), <c>Reason</c> says why a ticket is refused.
/// </summary>
public sealed record CheckinAnswer(string Result, string? Seat, string? Name, DateTimeOffset? AdmittedAt, string? Gate, string? Reason);

public static class CheckinResults
{
    public const string Admitted = "admitted";
    public const string AlreadyAdmitted = "already_admitted";
    public const string Refused = "refused";
    public const string WrongEvent = "wrong_event";
}

/// <summary>Body of <c>POST /api/checkin/batch</c>: scans a door made while offline, uploaded when it is back.</summary>
public sealed record CheckinBatchRequest(string? EventId, IReadOnlyList<OfflineScan>? Scans);

/// <summary>One offline scan, with the time the door made it: the earliest scan of a ticket is the one that counts.</summary>
public sealed record OfflineScan(string? Code, string? Gate, DateTimeOffset? ScannedAt);

/// <summary>One answer per scan, in the order of the request.</summary>
public sealed record CheckinBatchAnswer(IReadOnlyList<CheckinAnswer> Results);

/// <summary>
/// <c>GET /api/events/{id}/checkin-key</c>: the public key that verifies ticket codes offline, ECDSA P-256
/// (<c>ES256</c>) as base64 SubjectPublicKeyInfo; codes are Base32 of payload and P1363 signature.
/// </summary>
public sealed record CheckinKey(string EventId, string Algorithm, string PublicKey);

/// <summary>The ids of the event's tickets that are no longer valid, for a door that scans offline.</summary>
public sealed record RevokedTickets(string EventId, IReadOnlyList<string> TicketIds, DateTimeOffset AsOf);

/// <summary>How many guests each gate of the event has admitted.</summary>
public sealed record AdmissionCounts(string EventId, int Admitted, IReadOnlyList<GateAdmissions> Gates);

public sealed record GateAdmissions(string Gate, int Admitted);

/// <summary>The text of the QR code found in a camera frame.</summary>
public sealed record DecodedFrame(string Code);
