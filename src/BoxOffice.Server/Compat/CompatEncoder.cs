using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Booking;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;

namespace BoxOffice.Server.Compat;

/// <summary>The tutorial's <c>/ws</c> protocol: the whole seat list, occupants included, after changes, at most every 100 ms.</summary>
public sealed class CompatEncoder : ILiveEncoder
{
    private readonly Layout _layout;
    private readonly string?[] _occupants;

    /// <summary>Call on the desk's thread: it copies the committed occupants.</summary>
    public CompatEncoder(SeatMap map)
    {
        _layout = map.Layout;
        _occupants = new string?[map.Layout.Count];
        for (var seat = 0; seat < _occupants.Length; seat++)
            _occupants[seat] = map.OccupantOf(seat);
        Version = map.Version;
    }

    public long Version { get; }

    /// <summary>Every message is the whole seat list, so a rush of bookings must not send one per booking.</summary>
    public TimeSpan MinInterval => TimeSpan.FromMilliseconds(100);

    public byte[] Snapshot() => Serialize(_layout, _occupants);

    public byte[] Encode(IReadOnlyList<SeatDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            foreach (var change in delta.Changes)
                _occupants[change.Seat] = change.Occupant;
        }
        return Serialize(_layout, _occupants);
    }

    private static byte[] Serialize(Layout layout, string?[] occupants)
    {
        var seats = new CompatSeat[occupants.Length];
        for (var seat = 0; seat < seats.Length; seat++)
            seats[seat] = new CompatSeat(layout.Seats[seat].Label, occupants[seat]);
        return JsonSerializer.SerializeToUtf8Bytes(seats, ServerJson.Default.CompatSeatArray);
    }
}
