namespace BoxOffice.Contracts;

/// <summary>
/// First message on <c>/api/events/{id}/live</c>. <c>Seats</c> holds one character per seat in
/// seat-map order (<c>a</c> available, <c>h</c> held, <c>b</c> booked, <c>x</c> blocked), so a
/// 100,000-seat stadium fits in about 100 KB.
/// </summary>
public sealed record LiveSnapshot(string Type, long Version, string Seats);

/// <summary>Every change between two versions, coalesced: a seat appears once, with its latest status.</summary>
public sealed record LiveDelta(string Type, long FromVersion, long ToVersion, IReadOnlyList<SeatChangeView> Changes);

public sealed record SeatChangeView(string Seat, string Status);
