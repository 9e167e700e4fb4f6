using System.Collections.Concurrent;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Live;
using Microsoft.Extensions.Options;

namespace BoxOffice.UnitTests;

public class LiveSocketsTests
{
    private static LiveSockets Sockets(LiveSocketOptions caps, bool limitsEnabled = true) =>
        new(Options.Create(caps), Options.Create(new LimitsOptions { Enabled = limitsEnabled }));

    private static LiveSocketSlot[] TakeAtOnce(LiveSockets sockets, int count, string client, string eventId)
    {
        var slots = new ConcurrentBag<LiveSocketSlot>();
        Parallel.For(0, count, _ => slots.Add(sockets.Take(client, eventId)));
        return [.. slots];
    }

    [Fact]
    public void Parallel_upgrades_from_one_client_get_exactly_the_per_client_cap()
    {
        var sockets = Sockets(new LiveSocketOptions { MaxPerClient = 20 });

        var slots = TakeAtOnce(sockets, 100, "203.0.113.7", "ev");

        Assert.Equal(20, slots.Count(slot => slot.Refusal is null));
        Assert.All(slots.Where(slot => slot.Refusal is not null), slot => Assert.Equal(LiveCloses.ClientFull(20), slot.Refusal));
        Assert.Null(sockets.Take("198.51.100.1", "ev").Refusal);
    }

    [Fact]
    public void A_closed_socket_gives_its_place_back_once()
    {
        var sockets = Sockets(new LiveSocketOptions { MaxPerClient = 2 });
        var first = sockets.Take("203.0.113.7", "ev");
        using var second = sockets.Take("203.0.113.7", "ev");

        first.Dispose();
        first.Dispose();

        using var third = sockets.Take("203.0.113.7", "ev");
        Assert.Null(third.Refusal);
        Assert.Equal(LiveCloses.ClientFull(2), sockets.Take("203.0.113.7", "ev").Refusal);
    }

    [Fact]
    public void Events_and_the_server_admit_exactly_their_caps_whoever_connects()
    {
        var sockets = Sockets(new LiveSocketOptions { MaxPerEvent = 50, MaxTotal = 60 }, limitsEnabled: false);

        var onOne = TakeAtOnce(sockets, 100, "203.0.113.7", "one");
        var onTwo = TakeAtOnce(sockets, 100, "203.0.113.7", "two");

        Assert.Equal(50, onOne.Count(slot => slot.Refusal is null));
        Assert.All(onOne.Where(slot => slot.Refusal is not null), slot => Assert.Equal(LiveCloses.EventFull, slot.Refusal));
        Assert.Equal(10, onTwo.Count(slot => slot.Refusal is null));
        Assert.All(onTwo.Where(slot => slot.Refusal is not null), slot => Assert.Equal(LiveCloses.ServerFull, slot.Refusal));
    }

    [Fact]
    public void With_limits_off_one_address_is_not_capped_as_a_client()
    {
        var sockets = Sockets(new LiveSocketOptions { MaxPerClient = 20 }, limitsEnabled: false);

        var slots = TakeAtOnce(sockets, 100, "127.0.0.1", "ev");

        Assert.All(slots, slot => Assert.Null(slot.Refusal));
    }
}
