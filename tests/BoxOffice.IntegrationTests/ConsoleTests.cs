using System.Net;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>The console's reads: every event with its seats by status and its revenue, and the layout preview. Run on each store.</summary>
public abstract class ConsoleTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    protected BoxOfficeApp App => app;

    /// <summary>Two rows of three seats, the first of them blocked in the layout.</summary>
    private static readonly JsonElement SixSeatsOneBlocked = JsonElement.Parse("""
        {"sections":[{"name":"Main","rows":[
          {"name":"1","seats":[{"label":"1A","flags":["blocked"],"x":0},{"label":"1B","x":1},{"label":"1C","x":2}]},
          {"name":"2","seats":[{"label":"2A","x":0},{"label":"2B","x":1},{"label":"2C","x":2}]}]}]}
        """);

    [Fact]
    public async Task The_console_lists_drafts_and_unlisted_events_with_their_seats_by_status_and_their_revenue()
    {
        var draft = NewId("draft");
        (await _api.CreateEventAsync(new CreateEventRequest(draft, "Draft", Layouts.Cinema(2, 4), null, null, Status: "draft"))).EnsureSuccess();
        var paid = NewId("paid");
        (await _api.CreateEventAsync(new CreateEventRequest(paid, "Unlisted", SixSeatsOneBlocked, new() { ["standard"] = 2500 }, "eur", Listed: false))).EnsureSuccess();
        var bought = (await _api.CreateOrderAsync(Order(paid, "1B", "1C"), Guid.NewGuid().ToString("N"))).Created();
        var link = PaymentLink.Of(bought);
        (await _api.DecidePaymentAsync(link.PaymentId, "paid", link.Key)).EnsureSuccess();
        await CheckoutApp.WaitForStatusAsync(_api, bought, "ticketed");
        (await _api.CreateOrderAsync(Order(paid, "2A"), Guid.NewGuid().ToString("N"))).Created();

        var listed = (await _api.ListConsoleEventsAsync()).Value.ToDictionary(e => e.Event.Id);

        Assert.Equal(("draft", 8, 0L), (listed[draft].Event.Status, listed[draft].Counts["available"], listed[draft].Revenue));
        Assert.Equal(
            new Dictionary<string, int> { ["available"] = 2, ["held"] = 1, ["booked"] = 2, ["blocked"] = 1 },
            listed[paid].Counts);
        Assert.Equal((5000L, "EUR", false), (listed[paid].Revenue, listed[paid].Event.Currency, listed[paid].Event.Listed));
        Assert.DoesNotContain(draft, (await app.CreateApiClient(adminToken: null).ListEventsAsync()).Value.Select(e => e.Id));
    }

    [Fact]
    public async Task A_free_events_bookings_count_as_booked_and_bring_no_revenue()
    {
        var id = await _api.NewEventAsync(Layouts.Cinema(1, 4));
        (await _api.BookAsync(id, Seats(("A1", "Ada"), ("A2", "Bob")))).EnsureSuccess();

        var listed = (await _api.ListConsoleEventsAsync()).Value.Single(e => e.Event.Id == id);

        Assert.Equal((2, 2, 0L), (listed.Counts["available"], listed.Counts["booked"], listed.Revenue));
    }

    [Fact]
    public async Task The_layout_preview_draws_a_template_and_says_what_is_wrong_with_a_bad_one()
    {
        var cinema = await _api.PreviewLayoutAsync(Layouts.Cinema(3, 5));
        var tooBig = await _api.PreviewLayoutAsync(JsonElement.Parse("""{"template":"cinema","rows":99}"""));

        Assert.Equal((3, 15), (cinema.Value.Rows.Count, cinema.Value.Rows.Sum(row => row.Labels.Count)));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.Status);
        Assert.Contains("rows", tooBig.Problem!.Errors!["layout"][0], StringComparison.Ordinal);
    }

    private static CreateOrderRequest Order(string eventId, params string[] seats) =>
        new(eventId, [.. seats.Select(seat => new SeatRequest(seat, $"Guest {seat}"))], null, null, null, null, "guest@example.com");
}

public sealed class SqliteConsoleTests(BoxOfficeApp app) : ConsoleTests(app), IClassFixture<BoxOfficeApp>
{
    [Theory]
    [InlineData(StaffRoles.Door, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(StaffRoles.BoxOffice, HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData(StaffRoles.Admin, HttpStatusCode.OK, HttpStatusCode.OK)]
    public async Task Box_office_staff_see_the_consoles_events_door_staff_do_not_and_only_admins_preview_layouts(
        string role, HttpStatusCode events, HttpStatusCode preview)
    {
        using var staff = new BoxOfficeClient(await App.CreateStaffClientAsync(role));

        var listed = await staff.ListConsoleEventsAsync();
        var previewed = await staff.PreviewLayoutAsync(Layouts.A320);

        Assert.Equal((events, preview), (listed.Status, previewed.Status));
    }
}

public sealed class PostgresConsoleTests(PostgresBoxOfficeApp app) : ConsoleTests(app), IClassFixture<PostgresBoxOfficeApp>;
