using System.Text.Json;
using BoxOffice.Contracts;
using BoxOffice.Server.Desk;
using BoxOffice.Server.Events;

namespace BoxOffice.Server.Live;

/// <summary>The <c>/api/events/{id}/live</c> protocol: a compact snapshot, then coalesced deltas without names.</summary>
public sealed class SeatMapEncoder : ILiveEncoder
{
    private readonly Layout _layout;
    private readonly string _statuses;

    /// <summary>Copies the statuses, which change under it once it is made.</summary>
    public SeatMapEncoder(WatchedSeats seats)
    {
        _layout = seats.Layout;
        _statuses = string.Create(seats.Statuses.Count, seats.Statuses, static (chars, statuses) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = SeatMap.StatusCode(statuses[i]);
        });
        Version = seats.Version;
    }

    public long Version { get; }

    /// <summary>Deltas are small and already coalesced by the nudge, so they go out as soon as they can.</summary>
    public TimeSpan MinInterval => TimeSpan.Zero;

    public byte[] Snapshot() => JsonSerializer.SerializeToUtf8Bytes(new LiveSnapshot("snapshot", Version, _statuses), ServerJson.Default.LiveSnapshot);

    public byte[] Encode(IReadOnlyList<SeatDelta> deltas)
    {
        // Later changes of a seat overwrite earlier ones: a burst becomes one change per seat.
        var latest = new Dictionary<int, SeatStatus>();
        foreach (var delta in deltas)
        {
            foreach (var change in delta.Changes)
                latest[change.Seat] = change.Status;
        }
        var changes = latest
            .Select(pair => new SeatChangeView(_layout.Seats[pair.Key].Label, SeatMap.StatusName(pair.Value)))
            .ToArray();
        var message = new LiveDelta("delta", deltas[0].FromVersion, deltas[^1].ToVersion, changes);
        return JsonSerializer.SerializeToUtf8Bytes(message, ServerJson.Default.LiveDelta);
    }
}
