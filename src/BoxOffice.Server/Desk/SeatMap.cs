using System.Runtime.InteropServices;
using BoxOffice.Server.Checkout;
using BoxOffice.Server.Events;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Desk;

[GenerateSerializer]
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
    // Who made each seat's live claim, and how many live claims each client has: the per-client caps read these.
    private readonly string?[] _clients;
    private readonly Dictionary<string, int> _seatsByClient = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<DeskOrder>> _awaitingByClient = new(StringComparer.Ordinal);
    private readonly int[] _counts = new int[4];
    private readonly int[] _claimableInRow;
    private readonly Dictionary<string, DeskOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeskOrder> _ordersByKey = new(StringComparer.Ordinal);

    public SeatMap(EventDefinition definition, long version, IEnumerable<StoredSeat> claimed, ChangeFeed feed)
        : this(definition, version, claimed, [], feed)
    {
    }

    public SeatMap(EventDefinition definition, long version, IEnumerable<StoredSeat> claimed, IEnumerable<DeskOrder> orders, ChangeFeed feed)
    {
        Event = definition;
        Feed = feed;
        var layout = definition.Layout;
        Version = version;
        _statuses = new SeatStatus[layout.Count];
        _bookings = new string?[layout.Count];
        _occupants = new string?[layout.Count];
        _clients = new string?[layout.Count];
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
            SetClient(index, seat.Client);
        }
        _claimableInRow = new int[layout.Rows.Count];
        for (var i = 0; i < _statuses.Length; i++)
        {
            _counts[(int)_statuses[i]]++;
            if (_statuses[i] is SeatStatus.Available or SeatStatus.Held)
                _claimableInRow[layout.RowOf[i]]++;
        }
        foreach (var order in orders)
            Track(order);
    }

    /// <summary>An edit replaces it, keeping the layout; a new layout means a new map.</summary>
    public EventDefinition Event { get; set; }

    /// <summary>Every order of the event the desk knows.</summary>
    public IEnumerable<DeskOrder> Orders => _orders.Values;

    public Layout Layout => Event.Layout;

    /// <summary>Where the desk publishes this map's committed changes; it outlives reloads of the map.</summary>
    public ChangeFeed Feed { get; }

    public long Version { get; set; }

    /// <summary>The desk's clock for the batch it is handling, in unix milliseconds; holds lapse against it.</summary>
    public long NowMs { get; set; }

    /// <summary>Seats in each status as a buyer sees them now: a lapsed hold counts as available.</summary>
    public int Count(SeatStatus status)
    {
        var lapsed = status is SeatStatus.Available or SeatStatus.Held
            ? _orders.Values.Where(HoldHasLapsed).Sum(order => order.Seats.Count)
            : 0;
        return status switch
        {
            SeatStatus.Available => _counts[(int)status] + lapsed,
            SeatStatus.Held => _counts[(int)status] - lapsed,
            _ => _counts[(int)status],
        };
    }

    /// <summary>A seat's status as a buyer sees it now. It is derived: a hold whose order's deadline has passed is available, whether or not anything has swept it yet.</summary>
    public SeatStatus StatusOf(int seat)
    {
        var status = _statuses[seat];
        return status == SeatStatus.Held && _bookings[seat] is { } orderId && _orders.TryGetValue(orderId, out var order) && HoldHasLapsed(order)
            ? SeatStatus.Available
            : status;
    }

    /// <summary>Seats in the row that are available or held; held ones may have lapsed, so the picker checks each.</summary>
    public int ClaimableInRow(int row) => _claimableInRow[row];

    public DeskOrder? FindOrder(string orderId) => _orders.GetValueOrDefault(orderId);

    public DeskOrder? FindOrderByKey(string idempotencyKey) => _ordersByKey.GetValueOrDefault(idempotencyKey);

    public void Track(DeskOrder order)
    {
        _orders[order.OrderId] = order;
        _ordersByKey[order.IdempotencyKey] = order;
        if (order.State == OrderState.AwaitingPayment && order.ClientKey is { } client)
            AwaitingOf(client).Add(order);
    }

    /// <summary>Moves an order to a new state, keeping the index of each client's unpaid orders.</summary>
    public void SetState(DeskOrder order, OrderState state)
    {
        if (order.ClientKey is { } client && order.State == OrderState.AwaitingPayment && state != OrderState.AwaitingPayment
            && _awaitingByClient.TryGetValue(client, out var awaiting))
        {
            awaiting.Remove(order);
            if (awaiting.Count == 0)
                _awaitingByClient.Remove(client);
        }
        order.State = state;
    }

    /// <summary>The client's orders still waiting for payment whose hold has not lapsed.</summary>
    public int OpenOrdersOf(string client) =>
        _awaitingByClient.TryGetValue(client, out var awaiting) ? awaiting.Count(order => !HoldHasLapsed(order)) : 0;

    /// <summary>Seats the client holds or has booked.</summary>
    public int SeatsClaimedBy(string client) => _seatsByClient.GetValueOrDefault(client);

    public string? ClientOf(int seat) => _clients[seat];

    private HashSet<DeskOrder> AwaitingOf(string client)
    {
        if (!_awaitingByClient.TryGetValue(client, out var awaiting))
            _awaitingByClient[client] = awaiting = [];
        return awaiting;
    }

    public bool IsHeldBy(int seat, string orderId) => _statuses[seat] == SeatStatus.Held && _bookings[seat] == orderId;

    /// <summary>The order holding this seat if its deadline has passed and the hold has not been released yet.</summary>
    public DeskOrder? LapsedHoldOn(int seat) =>
        _statuses[seat] == SeatStatus.Held && _bookings[seat] is { } orderId && _orders.TryGetValue(orderId, out var order) && HoldHasLapsed(order)
            ? order
            : null;

    private bool HoldHasLapsed(DeskOrder order) => order.State == OrderState.AwaitingPayment && order.ExpiresAtMs <= NowMs;

    public string? BookingOf(int seat) => _bookings[seat];

    public string? OccupantOf(int seat) => _occupants[seat];

    public void Book(int seat, string reference, string name, string? client = null)
    {
        Set(seat, SeatStatus.Booked);
        _bookings[seat] = reference;
        _occupants[seat] = name;
        SetClient(seat, client);
    }

    public void Hold(int seat, string orderId, string name, string? client = null)
    {
        Set(seat, SeatStatus.Held);
        _bookings[seat] = orderId;
        _occupants[seat] = name;
        SetClient(seat, client);
    }

    /// <summary>A seat kept back by staff: held (for sale by staff only) or blocked (never sold), under the hold's reference.</summary>
    public void KeepBack(int seat, string reference, string holdName, bool blocked)
    {
        Set(seat, blocked ? SeatStatus.Blocked : SeatStatus.Held);
        _bookings[seat] = reference;
        _occupants[seat] = holdName;
        SetClient(seat, null);
    }

    /// <summary>A held seat becomes booked by the order that held it.</summary>
    public void Confirm(int seat) => Set(seat, SeatStatus.Booked);

    public void Release(int seat)
    {
        Set(seat, SeatStatus.Available);
        _bookings[seat] = null;
        _occupants[seat] = null;
        SetClient(seat, null);
    }

    /// <summary>Puts a seat in the state the store holds for it; null means the seat has no row, so its layout decides.</summary>
    public void Restore(int seat, StoredSeat? stored)
    {
        var layoutDefault = Layout.Seats[seat].Flags.HasFlag(SeatFeatures.Blocked) ? SeatStatus.Blocked : SeatStatus.Available;
        Set(seat, stored is null ? layoutDefault : ParseStatus(stored.Status));
        _bookings[seat] = stored?.BookingReference;
        _occupants[seat] = stored?.Name;
        SetClient(seat, stored?.BookingReference is null ? null : stored.Client);
    }

    /// <summary>The seat a named passenger occupies, for the tutorial's "one seat per passenger" rule; -1 if none.</summary>
    public int SeatOccupiedBy(string name) => Array.IndexOf(_occupants, name);

    /// <summary>One character per seat in layout order, the compact form the live snapshot sends.</summary>
    public string EncodeStatuses() => string.Create(_statuses.Length, this, static (chars, map) =>
    {
        for (var i = 0; i < chars.Length; i++)
            chars[i] = StatusCode(map.StatusOf(i));
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

    private void SetClient(int seat, string? client)
    {
        if (_clients[seat] is { } previous && --CollectionsMarshal.GetValueRefOrNullRef(_seatsByClient, previous) == 0)
            _seatsByClient.Remove(previous);
        _clients[seat] = client;
        if (client is not null)
            CollectionsMarshal.GetValueRefOrAddDefault(_seatsByClient, client, out _)++;
    }

    private void Set(int seat, SeatStatus status)
    {
        var row = Layout.RowOf[seat];
        if (_statuses[seat] is SeatStatus.Available or SeatStatus.Held)
            _claimableInRow[row]--;
        if (status is SeatStatus.Available or SeatStatus.Held)
            _claimableInRow[row]++;
        _counts[(int)_statuses[seat]]--;
        _counts[(int)status]++;
        _statuses[seat] = status;
    }
}
