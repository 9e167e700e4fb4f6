using BoxOffice.Server.Desk;

namespace BoxOffice.Server.Events;

/// <summary>A named group of seats staff keep back ("press", "artist"), held for staff to sell or blocked from sale.</summary>
[GenerateSerializer, Immutable]
public sealed record StaffHold(string Name, IReadOnlyList<string> Held, IReadOnlyList<string> Blocked);

[GenerateSerializer, Immutable]
public abstract record StaffHoldResult
{
    [GenerateSerializer, Immutable]
    public sealed record Changed(StaffHold Hold) : StaffHoldResult;

    /// <summary>A seat is unknown or not free to keep back; nothing changed.</summary>
    [GenerateSerializer, Immutable]
    public sealed record Refused(BookResult Reason) : StaffHoldResult;
}

public static class StaffHolds
{
    /// <summary>A hold's booking record, one per event and name; no event id has a colon, so no two events share one.</summary>
    public static string Reference(string eventId, string name) => $"hold:{eventId}:{name}";

    internal static StaffHold Of(SeatMap map, string name)
    {
        var reference = Reference(map.Event.Id, name);
        var (held, blocked) = (new List<string>(), new List<string>());
        for (var seat = 0; seat < map.Layout.Count; seat++)
        {
            if (map.BookingOf(seat) == reference)
                (map.StatusOf(seat) == SeatStatus.Blocked ? blocked : held).Add(map.Layout.Seats[seat].Label);
        }
        return new StaffHold(name, held, blocked);
    }
}

/// <summary>Keeps free seats back under the named hold: every seat or none.</summary>
[GenerateSerializer, Immutable]
public sealed record KeepBack(string Name, IReadOnlyList<string> Seats, bool Blocked) : DeskCommand<StaffHoldResult>
{
    internal override StaffHoldResult Decide(SeatMap map, BatchPlan plan)
    {
        var (seats, refusal) = SeatSelection.Resolve(map, Seats);
        if (refusal is not null)
            return new StaffHoldResult.Refused(refusal);
        plan.KeepBack(map, StaffHolds.Reference(map.Event.Id, Name), Name, Blocked, seats!);
        return new StaffHoldResult.Changed(StaffHolds.Of(map, Name));
    }
}

/// <summary>Puts the hold's seats back on sale: all of them, or those given (seats of other holds or sold ones are refused).</summary>
[GenerateSerializer, Immutable]
public sealed record ReleaseHold(string Name, IReadOnlyList<string>? Seats) : DeskCommand<StaffHoldResult>
{
    internal override StaffHoldResult Decide(SeatMap map, BatchPlan plan)
    {
        var reference = StaffHolds.Reference(map.Event.Id, Name);
        int[] seats;
        if (Seats is null)
        {
            seats = [.. Enumerable.Range(0, map.Layout.Count).Where(seat => map.BookingOf(seat) == reference)];
        }
        else
        {
            var unknown = Seats.Where(label => !map.Layout.TryGetIndex(label, out _)).ToArray();
            if (unknown.Length > 0)
                return new StaffHoldResult.Refused(new BookResult.UnknownSeats(unknown));
            seats = [.. Seats.Select(label => map.Layout.TryGetIndex(label, out var seat) ? seat : -1).Distinct()];
            var others = seats.Where(seat => map.BookingOf(seat) != reference).Select(seat => map.Layout.Seats[seat].Label).ToArray();
            if (others.Length > 0)
                return new StaffHoldResult.Refused(new BookResult.Unavailable(others));
        }
        if (seats.Length > 0)
            plan.ReleaseHeldBack(map, reference, Name, seats);
        return new StaffHoldResult.Changed(StaffHolds.Of(map, Name));
    }
}

/// <summary>Every hold of the event, as the console lists them.</summary>
[GenerateSerializer, Immutable]
public sealed record ListHolds : DeskCommand<StaffHold[]>
{
    internal override bool IsRead => true;

    internal override StaffHold[] Decide(SeatMap map, BatchPlan plan)
    {
        var prefix = StaffHolds.Reference(map.Event.Id, "");
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var seat = 0; seat < map.Layout.Count; seat++)
        {
            if (map.BookingOf(seat) is { } reference && reference.StartsWith(prefix, StringComparison.Ordinal))
                names.Add(reference[prefix.Length..]);
        }
        return [.. names.Select(name => StaffHolds.Of(map, name))];
    }
}
