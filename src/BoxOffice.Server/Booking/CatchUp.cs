using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

/// <summary>
/// Tells a desk that another process committed a batch of its event. The desk reads what changed after
/// its own version before it handles anything else in its queue, and publishes that as one delta, so
/// this process's subscribers see every other process's bookings, in order and without a gap.
/// </summary>
public sealed class CatchUp(long? version) : DeskCommand
{
    /// <summary>The version another process reached; null when nobody knows (the listener reconnected).</summary>
    public long? Version { get; } = version;

    /// <summary>Queued with the reads: the catch-up happens before the batch's writes are decided.</summary>
    internal override bool IsRead => true;

    internal bool IsAheadOf(SeatMap map) => Version is not { } version || version > map.Version;

    // The desk has caught up before it stages its reads, and nobody waits for an answer.
    internal override void Stage(SeatMap map, BatchPlan plan)
    {
    }

    internal override void Acknowledge()
    {
    }

    internal override void Fail(Exception error)
    {
    }

    /// <summary>
    /// Brings the map to the store's version with the seats changed since its own, puts back the
    /// <paramref name="unsure"/> seats (staged by a batch that did not commit), and publishes what other
    /// processes changed as one delta. False when the store is behind the map, which no delta can explain.
    /// </summary>
    internal static async Task<bool> TryApplyAsync(SeatMap map, IBookingStore store, IReadOnlySet<int> unsure)
    {
        var labels = unsure.Select(seat => map.Layout.Seats[seat].Label).ToArray();
        var stored = await store.LoadChangesAsync(map.Event.Id, map.Version, labels, CancellationToken.None)
            ?? throw new InvalidOperationException($"Event {map.Event.Id} disappeared from the store.");
        if (stored.Version < map.Version)
            return false;

        var changes = new List<SeatChange>(stored.Seats.Count + unsure.Count);
        var withoutRow = new HashSet<int>(unsure);
        foreach (var seat in stored.Seats)
        {
            if (!map.Layout.TryGetIndex(seat.Seat, out var index))
                continue;
            withoutRow.Remove(index);
            map.Restore(index, seat);
            changes.Add(new SeatChange(index, map.StatusOf(index), map.OccupantOf(index)));
        }
        foreach (var index in withoutRow)
        {
            map.Restore(index, null);
            changes.Add(new SeatChange(index, map.StatusOf(index), map.OccupantOf(index)));
        }

        // At an unchanged version only unsure seats were put back, and subscribers never saw them staged.
        if (stored.Version == map.Version)
            return true;
        var from = map.Version;
        map.Version = stored.Version;
        map.Feed.Publish(new SeatDelta(from, stored.Version, changes));
        return true;
    }
}
