using BoxOffice.Server.Desk;

namespace BoxOffice.UnitTests;

/// <summary>Buyers for desk commands: one client with no caps unless a test is about the caps.</summary>
internal static class Buyers
{
    public static readonly Buyer Uncapped = new("203.0.113.1", null);

    public static Buyer Capped(string client, int seatsPerOrder = 10, int seatsPerClient = 10, int openOrders = 2) =>
        new(client, new BuyerCaps(seatsPerOrder, seatsPerClient, openOrders));
}
