using BoxOffice.Contracts;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Door;

/// <summary>
/// Decides a scan: the code's signature first, then its event, then the database, whose unique key on the
/// ticket admits it once however many gates scan it at the same moment.
/// </summary>
public sealed class Checkin(TicketSigningKey key, IBookingStore store, TimeProvider time)
{
    /// <summary>
    /// A scan made now (<paramref name="scannedAt"/> null), or one a door made offline at <paramref name="scannedAt"/>,
    /// which replaces a later admission of the same ticket: the earliest scan counts.
    /// </summary>
    public async Task<CheckinAnswer> ScanAsync(string eventId, string code, string gate, DateTimeOffset? scannedAt, CancellationToken cancellationToken)
    {
        if (await key.VerifyAsync(code) is not { } ticket)
            return new CheckinAnswer(CheckinResults.Refused, null, null, null, null, "This is not a valid ticket code: it is forged, altered or mistyped.");
        if (ticket.EventId != eventId)
            return new CheckinAnswer(CheckinResults.WrongEvent, ticket.Seat, null, null, null, $"This ticket is for event '{ticket.EventId}'.");

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // A door's clock may run ahead; a scan cannot have happened after it reached the server.
        var at = Math.Min(scannedAt?.ToUnixTimeMilliseconds() ?? now, now);
        var stored = await store.AdmitAsync(new AdmissionScan(ticket.TicketId, eventId, gate, at, now, EarliestWins: scannedAt is not null), cancellationToken);
        return stored switch
        {
            null => new CheckinAnswer(CheckinResults.Refused, ticket.Seat, null, null, null, "This ticket is not in this box office's records."),
            { OrderState: not OrderState.Ticketed } => new CheckinAnswer(CheckinResults.Refused, stored.Seat, stored.Name, null, null,
                $"The order of this ticket is {OrderStates.Name(stored.OrderState)}."),
            _ => new CheckinAnswer(stored.Recorded ? CheckinResults.Admitted : CheckinResults.AlreadyAdmitted, stored.Seat, stored.Name,
                DateTimeOffset.FromUnixTimeMilliseconds(stored.AdmittedAtMs!.Value), stored.Gate, null),
        };
    }
}
