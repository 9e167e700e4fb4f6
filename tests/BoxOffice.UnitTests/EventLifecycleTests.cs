using BoxOffice.Server.Storage;

namespace BoxOffice.UnitTests;

public class EventLifecycleTests
{
    [Theory]
    [InlineData(EventStatus.Draft, EventStatus.OnSale, true)]
    [InlineData(EventStatus.OnSale, EventStatus.Closed, true)]
    [InlineData(EventStatus.Closed, EventStatus.OnSale, true)]
    [InlineData(EventStatus.Draft, EventStatus.Cancelled, true)]
    [InlineData(EventStatus.OnSale, EventStatus.Cancelled, true)]
    [InlineData(EventStatus.Closed, EventStatus.Cancelled, true)]
    [InlineData(EventStatus.OnSale, EventStatus.OnSale, true)]
    [InlineData(EventStatus.OnSale, EventStatus.Draft, false)]
    [InlineData(EventStatus.Closed, EventStatus.Draft, false)]
    [InlineData(EventStatus.Draft, EventStatus.Closed, false)]
    [InlineData(EventStatus.Cancelled, EventStatus.OnSale, false)]
    [InlineData(EventStatus.Cancelled, EventStatus.Draft, false)]
    [InlineData(EventStatus.Cancelled, EventStatus.Closed, false)]
    public void The_lifecycle_allows_exactly_the_designed_moves(EventStatus from, EventStatus to, bool allowed) =>
        Assert.Equal(allowed, EventStatuses.CanMove(from, to));

    [Theory]
    [InlineData("draft", EventStatus.Draft)]
    [InlineData("on_sale", EventStatus.OnSale)]
    [InlineData("closed", EventStatus.Closed)]
    [InlineData("cancelled", EventStatus.Cancelled)]
    public void Wire_names_round_trip(string name, EventStatus status)
    {
        Assert.True(EventStatuses.TryParse(name, out var parsed));
        Assert.Equal((status, name), (parsed, EventStatuses.Name(status)));
    }

    [Fact]
    public void An_event_sells_only_on_sale_and_inside_its_window()
    {
        var opens = DateTimeOffset.Parse("2027-03-01T10:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture);
        var window = new EventSales(EventStatus.OnSale, opens, opens.AddDays(7));

        Assert.StartsWith("Sales open at", window.RefusalAt(opens.ToUnixTimeMilliseconds() - 1));
        Assert.Null(window.RefusalAt(opens.ToUnixTimeMilliseconds()));
        Assert.StartsWith("Sales closed at", window.RefusalAt(opens.AddDays(7).ToUnixTimeMilliseconds()));
        Assert.NotNull((window with { Status = EventStatus.Draft }).RefusalAt(opens.AddDays(1).ToUnixTimeMilliseconds()));
        Assert.NotNull((window with { Status = EventStatus.Closed }).RefusalAt(opens.AddDays(1).ToUnixTimeMilliseconds()));
        Assert.NotNull((window with { Status = EventStatus.Cancelled }).RefusalAt(opens.AddDays(1).ToUnixTimeMilliseconds()));
        Assert.Null(EventSales.Open.RefusalAt(0));
    }
}
