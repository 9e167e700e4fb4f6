using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Booking;

public enum SeatStatus : byte
{
    Available,
    Held,
    Booked,
    Blocked,
}

/// <summary>
/// The in-memory state of one event's seats, owned by its desk's single writer. Arrays indexed by
/// seat position keep a 100,000-seat stadium small and make every lookup O(1).
/// </summary>
public sealed class SeatMap
{
    private readonly SeatStatus[] _statuses;
    private readonly string?[] _bookings;
    private readonly string?[] _occupants;
    private readonly int[] _counts = new int[4];
    private readonly int[] _availableInRow;

    public SeatMap(EventDefinition definition, long version, IEnumerable<StoredSeat> claimed, ChangeFeed feed)
    {
        Event = definition;
        Feed = feed;
        var layout = definition.Layout;
        Version = version;
        _statuses = new SeatStatus[layout.Count];
        _bookings = new string?[layout.Count];
        _occupants = new string?[layout.Count];
        for (var i = 0; i < layout.Count; i++)
        {
            if (layout.Seats[i].Flags.HasFlag(SeatFeatures.Blocked))
                _statuses[i] = SeatStatus.Blocked;
        }
        foreach (var seat in claimed)
        {
            if (!layout.TryGetIndex(seat.Seat, out var index))
                continue;
            _statuses[index] = ParseStatus(seat.Status);
            _bookings[index] = seat.BookingReference;
            _occupants[index] = seat.Name;
        }
        _availableInRow = new int[layout.Rows.Count];
        for (var i = 0; i < _statuses.Length; i++)
        {
            _counts[(int)_statuses[i]]++;
            if (_statuses[i] == SeatStatus.Available)
                _availableInRow[layout.RowOf[i]]++;
        }
    }

    public EventDefinition Event { get; }

    public Layout Layout => Event.Layout;

    /// <summary>Where the desk publishes this map's committed changes; it outlives reloads of the map.</summary>
    public ChangeFeed Feed { get; }

    public long Version { get; set; }

    public int Count(SeatStatus status) => _counts[(int)status];

    public SeatStatus StatusOf(int seat) => _statuses[seat];

    public int AvailableInRow(int row) => _availableInRow[row];

    public string? BookingOf(int seat) => _bookings[seat];

    public string? OccupantOf(int seat) => _occupants[seat];

    public void Book(int seat, string reference, string name)
    {
        Set(seat, SeatStatus.Booked);
        _bookings[seat] = reference;
        _occupants[seat] = name;
    }

    public void Release(int seat)
    {
        Set(seat, SeatStatus.Available);
        _bookings[seat] = null;
        _occupants[seat] = null;
    }

    /// <summary>Puts a seat in the state the store holds for it; null means the seat has no row, so its layout decides.</summary>
    public void Restore(int seat, StoredSeat? stored)
    {
        var layoutDefault = Layout.Seats[seat].Flags.HasFlag(SeatFeatures.Blocked) ? SeatStatus.Blocked : SeatStatus.Available;
        Set(seat, stored is null ? layoutDefault : ParseStatus(stored.Status));
        _bookings[seat] = stored?.BookingReference;
        _occupants[seat] = stored?.Name;
    }

    /// <summary>The seat a named passenger occupies, for the tutorial's "one seat per passenger" rule; -1 if none.</summary>
    public int SeatOccupiedBy(string name) => Array.IndexOf(_occupants, name);

    /// <summary>One character per seat in layout order, the compact form the live snapshot sends.</summary>
    public string EncodeStatuses() => string.Create(_statuses.Length, _statuses, static (chars, statuses) =>
    {
        for (var i = 0; i < statuses.Length; i++)
            chars[i] = StatusCode(statuses[i]);
    });

    public static char StatusCode(SeatStatus status) => status switch
    {
        SeatStatus.Available => 'a',
        SeatStatus.Held => 'h',
        SeatStatus.Booked => 'b',
        _ => 'x',
    };

    public static string StatusName(SeatStatus status) => status switch
    {
        SeatStatus.Available => "available",
        SeatStatus.Held => "held",
        SeatStatus.Booked => "booked",
        _ => "blocked",
    };

    private static SeatStatus ParseStatus(string status) => status switch
    {
        "available" => SeatStatus.Available,
        "held" => SeatStatus.Held,
        "booked" => SeatStatus.Booked,
        "blocked" => SeatStatus.Blocked,
        _ => throw new InvalidDataException($"Unknown seat status '{status}'."),
    };

    private void Set(int seat, SeatStatus status)
    {
        var row = Layout.RowOf[seat];
        if (_statuses[seat] == SeatStatus.Available)
            _availableInRow[row]--;
        if (status == SeatStatus.Available)
            _availableInRow[row]++;
        _counts[(int)_statuses[seat]]--;
        _counts[(int)status]++;
        _statuses[seat] = status;
    }
}
