using System.Net;
using System.Net.Http.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Every change to an event leaves one log entry, written with the change: written once, run on each store.</summary>
public abstract class EventLogTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private async Task<List<EventLogEntry>> ReadAllAsync(string eventId, int pageSize)
    {
        var entries = new List<EventLogEntry>();
        string? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = (await _api.ReadLogAsync(eventId, after, pageSize)).EnsureSuccess().Value;
            entries.AddRange(page.Entries);
            if ((after = page.Next) is null)
                return entries;
        }
        throw new Xunit.Sdk.XunitException("The log did not end within 100 pages.");
    }

    [Fact]
    public async Task Five_hundred_concurrent_bookings_make_exactly_five_hundred_booking_entries()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(20, 30));

        var bookings = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => _api.BookAsync(eventId, Best($"Guest {i}"))));
        var log = await ReadAllAsync(eventId, pageSize: 128);

        Assert.All(bookings, booking => Assert.Equal(HttpStatusCode.Created, booking.Status));
        var booked = log.Where(e => e.Action == "booking.created").ToList();
        Assert.Equal(500, booked.Count);
        Assert.Equal(bookings.Select(b => b.Value.Reference).Order(), booked.Select(e => e.Details.Split(':')[0]).Order());
        Assert.Equal(log.Count, log.Select(e => e.Seq).Distinct().Count());
        // The harness creates events with the admin token, which the log names as such.
        Assert.Equal(("event.created", "admin-token"), (log[0].Action, log[0].Actor));
    }

    [Fact]
    public async Task Edits_orders_and_cancellations_are_logged_with_who_made_them()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(2, 4));
        using var admin = await app.CreateStaffClientAsync(StaffRoles.Admin);
        var email = (await admin.GetFromJsonAsync<StaffSession>("/api/staff/session"))!.Email;
        var booking = (await _api.BookAsync(eventId, Seats(("A1", "Ada"), ("A2", "Bob")))).Value;

        (await admin.PatchAsJsonAsync($"/api/events/{eventId}", new { venue = "Hall 2" })).EnsureSuccessStatusCode();
        (await _api.CancelBookingAsync(booking.Reference, booking.ManageToken)).EnsureSuccess();
        var log = await ReadAllAsync(eventId, pageSize: 100);

        Assert.Equal(["event.created", "booking.created", "event.updated", "booking.cancelled"], log.Select(e => e.Action));
        Assert.Equal($"{booking.Reference}: A1 A2", log[1].Details);
        Assert.Equal(email, log[2].Actor);
        Assert.StartsWith("ip:", log[3].Actor, StringComparison.Ordinal);
        Assert.DoesNotContain(log, e => e.Details.Contains("Ada", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("after=x", HttpStatusCode.BadRequest)]
    [InlineData("after=1.2.3", HttpStatusCode.BadRequest)]
    [InlineData("limit=0", HttpStatusCode.BadRequest)]
    [InlineData("limit=1001", HttpStatusCode.BadRequest)]
    [InlineData("after=0.0&limit=10", HttpStatusCode.OK)]
    public async Task The_log_takes_only_a_position_and_a_bounded_page(string query, HttpStatusCode expected)
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(1, 2));
        using var admin = app.CreateAdminClient();

        var response = await admin.GetAsync($"/api/events/{eventId}/log?{query}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Door_staff_cannot_read_the_log()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(1, 2));
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        Assert.Equal(HttpStatusCode.Forbidden, (await door.GetAsync($"/api/events/{eventId}/log")).StatusCode);
    }
}

public sealed class SqliteEventLogTests(BoxOfficeApp app) : EventLogTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresEventLogTests(PostgresBoxOfficeApp app) : EventLogTests(app), IClassFixture<PostgresBoxOfficeApp>;
