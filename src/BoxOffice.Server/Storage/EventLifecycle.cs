namespace BoxOffice.Server.Storage;

public enum EventStatus
{
    Draft,
    OnSale,
    Closed,
    Cancelled,
}

/// <summary>An event's status by its wire and database name, and the moves between them.</summary>
public static class EventStatuses
{
    private static readonly HashSet<(EventStatus, EventStatus)> Moves =
    [
        (EventStatus.Draft, EventStatus.OnSale),
        (EventStatus.OnSale, EventStatus.Closed),
        // Closing can be undone, for an on-sale paused by mistake; cancelling cannot.
        (EventStatus.Closed, EventStatus.OnSale),
        (EventStatus.Draft, EventStatus.Cancelled),
        (EventStatus.OnSale, EventStatus.Cancelled),
        (EventStatus.Closed, EventStatus.Cancelled),
    ];

    public static string Name(EventStatus status) => status switch
    {
        EventStatus.Draft => "draft",
        EventStatus.OnSale => "on_sale",
        EventStatus.Closed => "closed",
        EventStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? name, out EventStatus status)
    {
        foreach (var candidate in Enum.GetValues<EventStatus>())
        {
            if (Name(candidate) == name)
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static EventStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new InvalidDataException($"Unknown event status '{name}'.");

    /// <summary>Staying put is always allowed; otherwise only the moves of the lifecycle.</summary>
    public static bool CanMove(EventStatus from, EventStatus to) => from == to || Moves.Contains((from, to));
}

/// <summary>What pages show of an event besides its title: stored as one JSON document.</summary>
[GenerateSerializer, Immutable]
public sealed record EventDetails(
    string Venue = "",
    string Description = "",
    DateTimeOffset? StartsAt = null,
    string? TimeZone = null,
    DateTimeOffset? DoorsAt = null,
    DateTimeOffset? EndsAt = null)
{
    public static readonly EventDetails None = new();
}

/// <summary>Whether an event sells now: its status and its sales window (either end open when null), and whether the public list shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record EventSales(EventStatus Status = EventStatus.OnSale, DateTimeOffset? OpenAt = null, DateTimeOffset? CloseAt = null, bool Listed = true)
{
    public static readonly EventSales Open = new();

    /// <summary>Why the event does not sell at <paramref name="nowMs"/>; null when it does.</summary>
    public string? RefusalAt(long nowMs) => Status switch
    {
        EventStatus.Draft => "The event is a draft and not on sale yet.",
        EventStatus.Closed => "Sales for this event are closed.",
        EventStatus.Cancelled => "The event is cancelled.",
        _ when OpenAt is { } open && nowMs < open.ToUnixTimeMilliseconds() => $"Sales open at {open:O}.",
        _ when CloseAt is { } close && nowMs >= close.ToUnixTimeMilliseconds() => $"Sales closed at {close:O}.",
        _ => null,
    };
}
