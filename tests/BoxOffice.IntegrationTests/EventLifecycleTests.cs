using System.Net;
using System.Net.Http.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>An event's dates, sales window and status, its edits and its end: written once, run on each store.</summary>
public abstract class EventLifecycleTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private static CreateEventRequest Changes(string? status = null, string? salesOpenAt = null, string? salesCloseAt = null) =>
        new(null, null, null, null, null, SalesOpenAt: salesOpenAt, SalesCloseAt: salesCloseAt, Status: status);

    private async Task<string> NewAsync(string? status = null, string? salesOpenAt = null, string? salesCloseAt = null, bool? listed = null, string? startsAt = null)
    {
        var id = NewId("life");
        var created = await _api.CreateEventAsync(new CreateEventRequest(
            id, "Lifecycle", Layouts.Cinema(2, 4), null, "usd", Venue: "Main hall", StartsAt: startsAt, TimeZone: startsAt is null ? null : "Europe/Paris",
            SalesOpenAt: salesOpenAt, SalesCloseAt: salesCloseAt, Status: status, Listed: listed));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return id;
    }

    private static string At(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_draft_refuses_sales_until_it_is_published_and_a_closed_event_refuses_them_again()
    {
        var id = await NewAsync(status: "draft");

        var draft = await _api.BookAsync(id, Seats(("A1", "Ada")));
        var published = await _api.UpdateEventAsync(id, Changes(status: "on_sale"));
        var onSale = await _api.BookAsync(id, Seats(("A1", "Ada")));
        await _api.UpdateEventAsync(id, Changes(status: "closed"));
        var closed = await _api.BookAsync(id, Best("Bob"));

        Assert.Equal((HttpStatusCode.Conflict, "Not on sale"), (draft.Status, draft.Problem!.Title));
        Assert.Equal(("on_sale", "USD", "Main hall"), (published.Value.Status, published.Value.Currency, published.Value.Venue));
        Assert.Equal(HttpStatusCode.Created, onSale.Status);
        Assert.Equal(HttpStatusCode.Conflict, closed.Status);
        Assert.Contains("closed", closed.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_its_sales_window_an_event_refuses_bookings_and_orders()
    {
        var notYet = await NewAsync(salesOpenAt: At(TimeSpan.FromDays(1)));
        var over = await NewAsync(salesOpenAt: At(TimeSpan.FromDays(-2)), salesCloseAt: At(TimeSpan.FromDays(-1)));
        var open = await NewAsync(salesOpenAt: At(TimeSpan.FromDays(-1)), salesCloseAt: At(TimeSpan.FromDays(1)));

        var early = await _api.BookAsync(notYet, Seats(("A1", "Ada")));
        var late = await _api.BookAsync(over, Seats(("A1", "Ada")));
        var order = await _api.CreateOrderAsync(new CreateOrderRequest(over, [new("A2", "Ada")], null, null, null, null, "ada@example.com"), Guid.NewGuid().ToString());
        var inTime = await _api.BookAsync(open, Seats(("A1", "Ada")));

        Assert.Contains("Sales open at", early.Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("Sales closed at", late.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict), (early.Status, late.Status, order.Status));
        Assert.Equal(HttpStatusCode.Created, inTime.Status);
    }

    [Fact]
    public async Task The_layout_changes_only_while_nothing_is_sold_and_other_fields_change_any_time()
    {
        var id = await NewAsync();

        var bigger = await _api.UpdateEventAsync(id, new CreateEventRequest(null, null, Layouts.Cinema(3, 4), null, null));
        var map = (await _api.GetSeatMapAsync(id)).Value;
        (await _api.BookAsync(id, Seats(("C4", "Ada")))).EnsureSuccess();
        var afterSale = await _api.UpdateEventAsync(id, new CreateEventRequest(null, null, Layouts.Cinema(2, 4), null, null));
        var renamed = await _api.UpdateEventAsync(id, new CreateEventRequest(null, "Renamed", null, null, null, Venue: "Small hall"));

        Assert.Equal((HttpStatusCode.OK, 12, 12), (bigger.Status, bigger.Value.SeatCount, map.Seats.Count));
        Assert.Equal(HttpStatusCode.Conflict, afterSale.Status);
        Assert.Equal(("Renamed", "Small hall", 11), (renamed.Value.Title, renamed.Value.Venue, renamed.Value.Available));
        Assert.Equal("Renamed", (await _api.GetSeatMapAsync(id)).Value.Title);
    }

    [Fact]
    public async Task Only_an_event_that_never_sold_can_be_deleted()
    {
        var unsold = await NewAsync();
        var sold = await NewAsync();
        var booking = (await _api.BookAsync(sold, Seats(("A1", "Ada")))).Value;
        (await _api.CancelBookingAsync(booking.Reference, booking.ManageToken)).EnsureSuccess();

        var deleted = await _api.DeleteEventAsync(unsold);
        var refused = await _api.DeleteEventAsync(sold);

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetSeatMapAsync(unsold)).Status);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetSeatMapAsync(sold)).Status);
    }

    [Fact]
    public async Task Cancelling_an_event_cancels_its_bookings_and_no_status_comes_after()
    {
        var id = await NewAsync();
        var booking = (await _api.BookAsync(id, Seats(("A1", "Ada"), ("A2", "Bob")))).Value;

        var cancelled = await _api.UpdateEventAsync(id, Changes(status: "cancelled"));
        var reopened = await _api.UpdateEventAsync(id, Changes(status: "on_sale"));

        Assert.Equal(("cancelled", 8), (cancelled.Value.Status, cancelled.Value.Available));
        Assert.Equal(HttpStatusCode.Conflict, reopened.Status);
        Assert.Equal("cancelled", (await _api.GetBookingAsync(booking.Reference, booking.ManageToken)).Value.Status);
        Assert.Empty((await _api.AuditAsync(id)).Value.Anomalies);
    }

    [Fact]
    public async Task The_public_list_has_listed_events_on_sale_that_have_not_started_soonest_first()
    {
        var later = await NewAsync(startsAt: "2031-06-01T20:00:00+02:00");
        var sooner = await NewAsync(startsAt: "2031-01-10T20:00:00+01:00");
        var past = await NewAsync(startsAt: "2020-01-10T20:00:00+01:00");
        var draft = await NewAsync(status: "draft");
        var unlisted = await NewAsync(listed: false);

        var listed = (await app.CreateApiClient(adminToken: null).ListEventsAsync()).Value.Select(e => e.Id).ToList();

        Assert.True(listed.IndexOf(sooner) >= 0 && listed.IndexOf(sooner) < listed.IndexOf(later));
        Assert.DoesNotContain(past, listed);
        Assert.DoesNotContain(draft, listed);
        Assert.DoesNotContain(unlisted, listed);
    }

    [Theory]
    [InlineData("startsAt", """{"startsAt":"2031-06-01T20:00:00","timeZone":"Europe/Paris"}""")]
    [InlineData("timeZone", """{"startsAt":"2031-06-01T20:00:00+02:00","timeZone":"Mars/Olympus"}""")]
    [InlineData("startsAt", """{"startsAt":"2031-06-01T20:00:00+05:00","timeZone":"Europe/Paris"}""")]
    [InlineData("timeZone", """{"startsAt":"2031-06-01T20:00:00+02:00"}""")]
    [InlineData("salesCloseAt", """{"salesOpenAt":"2031-06-01T20:00:00Z","salesCloseAt":"2031-05-01T20:00:00Z"}""")]
    [InlineData("status", """{"status":"sold_out"}""")]
    public async Task Bad_dates_zones_windows_and_statuses_are_refused_and_change_nothing(string field, string patch)
    {
        var id = await NewAsync();
        using var http = app.CreateAdminClient();

        var response = await http.PatchAsync($"/api/events/{id}", new StringContent(patch, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("Main hall", (await _api.UpdateEventAsync(id, Changes())).Value.Venue);
    }
}

public sealed class SqliteEventLifecycleTests(BoxOfficeApp app) : EventLifecycleTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresEventLifecycleTests(PostgresBoxOfficeApp app) : EventLifecycleTests(app), IClassFixture<PostgresBoxOfficeApp>;
