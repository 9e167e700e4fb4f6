namespace BoxOffice.Contracts;

/// <summary>Body of <c>POST /api/events/{id}/bookings</c>: named seats, booked all or nothing.</summary>
public sealed record BookingRequest(IReadOnlyList<SeatRequest>? Seats);

public sealed record SeatRequest(string? Seat, string? Name);

/// <summary>A successful booking. <c>ManageToken</c> is shown once and is needed to view or cancel it.</summary>
public sealed record BookingResponse(string Reference, string ManageToken, string EventId, IReadOnlyList<BookedSeat> Seats);

public sealed record BookedSeat(string Seat, string Name);

/// <summary>A booking as its owner sees it through <c>GET /api/bookings/{reference}</c>.</summary>
public sealed record BookingView(string Reference, string EventId, string Status, DateTimeOffset CreatedAt, IReadOnlyList<BookedSeat> Seats);
