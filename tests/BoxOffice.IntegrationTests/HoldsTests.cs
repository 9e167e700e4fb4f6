using System.Net;
using System.Net.Http.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Holds and kills: seats staff keep back are refused by every public path: written once, run on each store.</summary>
public abstract class HoldsTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private static async Task<HoldView> KeepBackAsync(HttpClient admin, string eventId, string name, bool blocked, params string[] seats)
    {
        var response = await admin.PostAsJsonAsync($"/api/events/{eventId}/holds", new { name, seats, blocked });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HoldView>())!;
    }

    [Fact]
    public async Task Blocked_and_held_seats_are_refused_by_named_booking_best_available_and_orders()
    {
        var free = await app.CreateEventAsync(Layouts.Cinema(1, 4));
        var paid = await app.CreateEventAsync(Layouts.Cinema(1, 4), price: 1000);
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);
        await KeepBackAsync(admin, free, "kills", blocked: true, "A1", "A2");
        await KeepBackAsync(admin, free, "press", blocked: false, "A3");
        await KeepBackAsync(admin, paid, "artist", blocked: false, "A1");

        var named = await _api.BookAsync(free, Seats(("A1", "Ada")));
        var held = await _api.BookAsync(free, Seats(("A3", "Ada")));
        var best = await _api.BookAsync(free, Best("Ada", "Bob"));
        var order = await _api.CreateOrderAsync(new CreateOrderRequest(paid, [new("A1", "Ada")], null, null, null, null, "ada@example.com"), Guid.NewGuid().ToString());
        var last = await _api.BookAsync(free, Best("Cy"));

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict), (named.Status, held.Status, best.Status, order.Status));
        Assert.Equal("A4", Assert.Single(last.Value.Seats).Seat);
        var audit = (await _api.AuditAsync(free)).Value;
        Assert.Equal((2, 1, 1, 0), (audit.Counts["blocked"], audit.Counts["held"], audit.Counts["booked"], audit.Counts["available"]));
        Assert.Empty(audit.Anomalies);
        var console = (await admin.GetFromJsonAsync<ConsoleEvent[]>("/api/console/events"))!.Single(e => e.Event.Id == free);
        Assert.Equal((2, 1, 1, 0), (console.Counts["blocked"], console.Counts["held"], console.Counts["booked"], console.Counts["available"]));
    }

    [Fact]
    public async Task Releasing_a_hold_puts_its_seats_on_sale_in_one_live_delta()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(2, 4));
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);
        using var feed = await app.WatchEventAsync(eventId);
        var snapshot = await feed.NextSnapshotAsync();
        await KeepBackAsync(admin, eventId, "Press", blocked: false, "A1", "A2", "B1");
        var kept = await feed.NextDeltaAsync();

        var released = await admin.PostAsJsonAsync($"/api/events/{eventId}/holds/press/release", new { });
        var delta = await feed.NextDeltaAsync();

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(snapshot.Version + 1, kept.ToVersion);
        Assert.Equal((kept.ToVersion, kept.ToVersion + 1), (delta.FromVersion, delta.ToVersion));
        Assert.Equal(["A1", "A2", "B1"], delta.Changes.Select(c => c.Seat).Order());
        Assert.All(delta.Changes, c => Assert.Equal("available", c.Status));
        Assert.Equal(HttpStatusCode.Created, (await _api.BookAsync(eventId, Seats(("A1", "Ada")))).Status);
        Assert.Empty((await admin.GetFromJsonAsync<HoldView[]>($"/api/events/{eventId}/holds"))!.SelectMany(h => h.Held));
    }

    [Theory]
    [InlineData("""{"name":"","seats":["A1"]}""")]
    [InlineData("""{"name":"has:colon","seats":["A1"]}""")]
    [InlineData("""{"name":"press","seats":[]}""")]
    [InlineData("""{"name":"press"}""")]
    public async Task Bad_holds_are_refused(string body)
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(1, 2));
        using var admin = app.CreateAdminClient();

        var response = await admin.PostAsync($"/api/events/{eventId}/holds", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Box_office_staff_see_holds_but_only_admins_change_them()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(1, 2));
        using var boxOffice = await app.CreateStaffClientAsync(StaffRoles.BoxOffice);

        var list = await boxOffice.GetAsync($"/api/events/{eventId}/holds");
        var keep = await boxOffice.PostAsJsonAsync($"/api/events/{eventId}/holds", new { name = "press", seats = new[] { "A1" } });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (list.StatusCode, keep.StatusCode));
    }
}

public sealed class SqliteHoldsTests(BoxOfficeApp app) : HoldsTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresHoldsTests(PostgresBoxOfficeApp app) : HoldsTests(app), IClassFixture<PostgresBoxOfficeApp>;
