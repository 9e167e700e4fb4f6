using System.Collections.Concurrent;

namespace BoxOffice.Server.Desk;

/// <summary>
/// The desks whose grains are active in this process. A caller in the same process hands its command straight
/// to the desk's inbox instead of sending an Orleans message to the grain: the grain's single activation still
/// decides where the one desk of an event lives, and the desk's loop is still its only writer; the shortcut
/// only skips the messaging (a booking through it costs what it did before Orleans).
/// </summary>
public sealed class LocalDesks
{
    private readonly ConcurrentDictionary<string, BookingDesk> _desks = new(StringComparer.Ordinal);

    public void Register(BookingDesk desk) => _desks[desk.Definition.Id] = desk;

    public void Unregister(BookingDesk desk) => _desks.TryRemove(KeyValuePair.Create(desk.Definition.Id, desk));

    public bool TryFind(string eventId, out BookingDesk desk) => _desks.TryGetValue(eventId, out desk!);
}
