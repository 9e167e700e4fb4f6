namespace BoxOffice.Contracts;

/// <summary>Body of <c>POST /api/lab/runs</c>: a rush of <c>Buyers</c> buyers, one seat each, for <c>Seats</c> seats, against every strategy.</summary>
public sealed record StartLabRunRequest(int? Seats, int? Buyers);

/// <summary>
/// A race-lab run as it stands: <c>Status</c> is <c>running</c>, <c>done</c> or <c>failed</c> (with <c>Error</c>);
/// <c>Running</c> names the strategy under way, and <c>Results</c> holds one entry per strategy finished, in order.
/// </summary>
public sealed record LabRun(string Id, int Seats, int Buyers, string Status, string? Running, IReadOnlyList<LabStrategyResult> Results, string? Error);

/// <summary>
/// One strategy's rush, judged by what the database says afterwards. <c>AuditAnomalies</c> counts what an audit
/// finds: for <c>desk</c>, <c>GET /api/events/{id}/audit</c>; for the others, the same checks on the lab's tables.
/// </summary>
public sealed record LabStrategyResult(
    string Strategy,
    int ToldSuccess,
    int Refused,
    int Errors,
    int SeatsClaimed,
    int LostUpdates,
    int DoubleBookedSeats,
    int UnsoldSeats,
    int AuditAnomalies,
    long WallMs,
    double P99Ms);
