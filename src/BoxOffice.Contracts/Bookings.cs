namespace BoxOffice.Contracts;

/// <summary>
/// Body of <c>POST /api/events/{id}/bookings</c>: either named <c>Seats</c>, booked all or nothing, or
/// best-available: <c>Count</c> seats for <c>Names</c>, adjacent in one row unless <c>Together</c> is false.
/// </summary>
public sealed record BookingRequest(
    IReadOnlyList<SeatRequest>? Seats,
    int? Count = null,
    IReadOnlyList<string>? Names = null,
    bool? Together = null,
    string? Category = null);

public sealed record SeatRequest(string? Seat, string? Name);

/// <summary>A successful booking. <c>ManageToken</c> is shown once and is needed to view or cancel it.</summary>
public sealed record BookingResponse(string Reference, string ManageToken, string EventId, IReadOnlyList<BookedSeat> Seats);

public sealed record BookedSeat(string Seat, string Name);

/// <summary>A booking as its owner sees it through <c>GET /api/bookings/{reference}</c>.</summary>
public sealed record BookingView(string Reference, string EventId, string Status, DateTimeOffset CreatedAt, IReadOnlyList<BookedSeat> Seats);
