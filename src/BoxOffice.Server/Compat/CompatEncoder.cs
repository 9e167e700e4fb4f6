using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;
using BoxOffice.Server.Live;

namespace BoxOffice.Server.Compat;

/// <summary>The tutorial's <c>/ws</c> protocol: the whole seat list, occupants included, after changes, at most every 100 ms.</summary>
public sealed class CompatEncoder : ILiveEncoder
{
    private readonly Layout _layout;
    private readonly string?[] _occupants;

    /// <summary>Copies the occupants, which change under it once it is made.</summary>
    public CompatEncoder(WatchedSeats seats)
    {
        _layout = seats.Layout;
        _occupants = [.. seats.Occupants ?? throw new ArgumentException("The tutorial's list shows occupants; the view has none.", nameof(seats))];
        Version = seats.Version;
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

    public static byte[] Serialize(Layout layout, IReadOnlyList<string?> occupants)
    {
        var seats = new CompatSeat[occupants.Count];
        for (var seat = 0; seat < seats.Length; seat++)
            seats[seat] = new CompatSeat(layout.Seats[seat].Label, occupants[seat]);
        return JsonSerializer.SerializeToUtf8Bytes(seats, ServerJson.Default.CompatSeatArray);
    }
}

/// <summary>The tutorial's <c>GET /seats</c>: every seat with its occupant, encoded once per version.</summary>
[GenerateSerializer, Immutable]
public sealed record ReadTutorialSeats : DeskRead
{
    protected override byte[] Encode(SeatMap map) =>
        CompatEncoder.Serialize(map.Layout, Enumerable.Range(0, map.Layout.Count).Select(map.OccupantOf).ToArray());
}
