using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>The one way tests make an event, whichever server they talk to.</summary>
public static class TestEvents
{
    public static string NewId(string prefix = "ev") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>Creates an event, paid at <paramref name="price"/> a seat if given (free otherwise), and returns its id.</summary>
    public static async Task<string> NewEventAsync(this BoxOfficeClient api, JsonElement layout, long? price = null, string? id = null)
    {
        id ??= NewId(price is null ? "ev" : "paid");
        var prices = price is { } perSeat ? new Dictionary<string, long> { ["standard"] = perSeat } : null;
        (await api.CreateEventAsync(new CreateEventRequest(id, $"Event {id}", layout, prices, null))).EnsureSuccess();
        return id;
    }

    /// <summary>A named-seats booking request: each seat with its guest's name.</summary>
    public static BookingRequest Seats(params (string Seat, string Name)[] seats) =>
        new([.. seats.Select(s => new SeatRequest(s.Seat, s.Name))]);

    /// <summary>A best-available request: one seat per name.</summary>
    public static BookingRequest Best(params string[] names) => new(null, Count: names.Length, Names: names);
}
