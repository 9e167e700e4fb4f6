using System.Globalization;

namespace BoxOffice.Server.Storage;

public abstract partial class BookingStore
{
    public async Task<IReadOnlyList<LogEntry>> ReadLogAsync(string eventId, LogPosition? after, int limit, CancellationToken cancellationToken) =>
        await ReadAsync("""
            SELECT version, n, at_ms, actor, action, details FROM event_log
            WHERE event_id = @event AND (version > @version OR (version = @version AND n > @n))
            ORDER BY version, n
            LIMIT @limit
            """,
            reader => new LogEntry(new LogPosition(reader.GetInt64(0), reader.GetInt32(1)), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)),
            cancellationToken, ("@event", eventId), ("@version", after?.Version ?? -1), ("@n", after?.N ?? -1), ("@limit", limit));
}

/// <summary>
/// The event log's rows for one commit, written by the same transaction as the change. An entry per change a
/// person would name (a booking, an order moving on, a ticket, an edit); the seat rows of a booking or order
/// are listed in its entry, not logged one by one.
/// </summary>
internal sealed class EventLogWriter(CommitBatch batch)
{
    /// <summary>A booking or order with a hundred seats must still make a readable line.</summary>
    private const int MaxDetails = 1_000;

    private const string Insert = """
        INSERT INTO event_log (event_id, version, n, at_ms, actor, action, details) VALUES (@event, @version, @n, @now, @actor, @action, @details)
        """;

    private Dictionary<string, List<string>>? _seatsByReference;
    private int _next;

    public static Statement Created(EventRow row, string actor) => Entry(
        row.Id, 0, 0, row.CreatedAtMs, actor, "event.created",
        $"{row.Title}: {row.SeatCount} seats, {EventStatuses.Name(row.Sales.Status)}");

    public Statement? EntryFor(StoreWrite write, int index)
    {
        var (action, details) = write switch
        {
            InsertBooking booking => ("booking.created", $"{booking.Reference}: {Seats(booking.Reference)}"),
            CancelBooking cancel => ("booking.cancelled", cancel.Reference),
            InsertOrder { Order: var order } => ("order.created",
                $"{order.OrderId}: {Seats(order.OrderId)}, {order.Amount.ToString(CultureInfo.InvariantCulture)} {order.Currency}"),
            TransitionOrder move => ($"order.{OrderStates.Name(move.To)}", $"{move.OrderId} was {OrderStates.Name(move.From)}{(move.RefundDue ? "; refund due" : "")}"),
            RecordPayment payment => ($"payment.{payment.Status}", payment.PaymentId),
            IssueTicket ticket => ("ticket.issued", $"{ticket.OrderId}: ticket {ticket.Number.ToString(CultureInfo.InvariantCulture)}, seat {ticket.Ticket.Seat}"),
            UpdateEventRow { Row: var row, LayoutChanged: var layout } => (layout ? "event.layout_changed" : "event.updated",
                $"{row.Title}: {EventStatuses.Name(row.Sales.Status)}{(row.Sales.Listed ? "" : ", unlisted")}"),
            _ => default,
        };
        if (action is null)
            return null;
        var actor = index < batch.Actors.Count ? batch.Actors[index] : "system";
        return Entry(batch.EventId, batch.ToVersion, _next++, batch.NowMs, actor, action, details);
    }

    private static Statement Entry(string eventId, long version, int n, long atMs, string actor, string action, string details) => new(Insert,
        ("@event", eventId), ("@version", version), ("@n", n), ("@now", atMs), ("@actor", actor), ("@action", action),
        ("@details", details.Length <= MaxDetails ? details : details[..(MaxDetails - 1)] + "…"));

    /// <summary>The seats a booking or order claims in this batch; indexed once, since a cancelled event's batch has thousands.</summary>
    private string Seats(string reference)
    {
        _seatsByReference ??= IndexSeats();
        return _seatsByReference.TryGetValue(reference, out var seats) ? string.Join(' ', seats) : "";
    }

    private Dictionary<string, List<string>> IndexSeats()
    {
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var write in batch.Writes)
        {
            var (reference, seat) = write switch
            {
                ClaimSeat claim => (claim.Reference, claim.Seat),
                HoldSeat hold => (hold.OrderId, hold.Seat),
                _ => default,
            };
            if (reference is null)
                continue;
            if (!index.TryGetValue(reference, out var seats))
                index[reference] = seats = [];
            seats.Add(seat);
        }
        return index;
    }
}
