namespace BoxOffice.Contracts;

/// <summary>One seat in the shape of the Durable Objects seat-booking tutorial.</summary>
public sealed record CompatSeat(string SeatNumber, string? Occupant);

public sealed record CompatBookRequest(string? SeatNumber, string? Name);

public sealed record CompatMessage(string Message, int Status);
