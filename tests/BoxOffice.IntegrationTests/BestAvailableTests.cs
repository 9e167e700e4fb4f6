using System.Net;
using System.Text;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Best-available bookings, under a rush and seat by seat: written once, run on each store.</summary>
public abstract class BestAvailableTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private async Task<EventAudit> AuditAsync(string eventId) => (await _api.AuditAsync(eventId)).EnsureSuccess().Value;

    [Fact]
    public async Task Twelve_hundred_buyers_for_a_thousand_seats_sell_every_seat_once_and_hear_sold_out()
    {
        var eventId = await app.CreateEventAsync(Layouts.Stadium(1, 40, 25));

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i => _api.BookAsync(eventId, Best($"Buyer {i}"))));

        var booked = responses.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Value).ToArray();
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        Assert.Equal(200, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        var audit = await AuditAsync(eventId);
        Assert.Empty(audit.Anomalies);
        Assert.Equal((1000, 0), (audit.Counts["booked"], audit.Counts["available"]));
        Assert.Equal(0, responses.First(r => r.Status == HttpStatusCode.Conflict).ProblemMember("available").GetInt32());
        Assert.Equal(1000L, await app.Database.ScalarAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL"));
    }

    [Fact]
    public async Task A_party_gets_adjacent_seats_in_one_row()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(12, 16));

        var booking = (await _api.BookAsync(eventId, new BookingRequest(null, Count: 4, Names: ["Ada", "Bob", "Cy", "Di"], Together: true))).Created();

        var map = (await _api.GetSeatMapAsync(eventId)).Value;
        var seats = booking.Seats.Select(s => map.Seats.Single(v => v.Label == s.Seat)).ToArray();
        Assert.Single(seats.Select(s => s.Row).Distinct());
        Assert.Equal(Enumerable.Range(seats[0].X, 4), seats.Select(s => s.X));
        Assert.Equal(["Ada", "Bob", "Cy", "Di"], booking.Seats.Select(s => s.Name));
    }

    [Fact]
    public async Task Without_a_block_together_is_refused_with_what_is_left_but_apart_still_works()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);
        // Leave only the middle seat of each three free: no two free seats are side by side.
        var taken = Enumerable.Range(1, 10).SelectMany(row => new[] { "A", "C", "D", "F" }.Select(letter => new SeatRequest($"{row}{letter}", "Filler")))
            .Chunk(20).ToArray();
        foreach (var chunk in taken)
            Assert.Equal(HttpStatusCode.Created, (await _api.BookAsync(eventId, new BookingRequest(chunk))).Status);

        var together = await _api.BookAsync(eventId, Best("Ada", "Bob"));
        var apart = await _api.BookAsync(eventId, new BookingRequest(null, Count: 2, Names: ["Ada", "Bob"], Together: false));

        Assert.Equal(HttpStatusCode.Conflict, together.Status);
        Assert.Equal(20, together.ProblemMember("available").GetInt32());
        Assert.Equal(["1B", "1E"], apart.Created().Seats.Select(s => s.Seat));
    }

    [Theory]
    [InlineData("""{"count":2,"names":["Ada"]}""", "names")]
    [InlineData("""{"count":0,"names":[]}""", "count")]
    [InlineData("""{"count":21,"names":[]}""", "count")]
    [InlineData("""{"count":1,"names":[""]}""", "names[0]")]
    [InlineData("""{"count":1,"names":["Ada"],"seats":[{"seat":"1A","name":"Ada"}]}""", "count")]
    public async Task Bad_best_available_requests_are_a_bad_request(string json, string field)
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);
        using var client = app.CreateClient();

        var response = await client.PostAsync($"/api/events/{eventId}/bookings", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task The_audit_is_for_admins_only()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);
        using var anonymous = app.CreateApiClient(adminToken: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.AuditAsync(eventId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.AuditAsync("not-an-event")).Status);
        var audit = await AuditAsync(eventId);
        Assert.Equal((0L, 60, 0), (audit.Version, audit.Counts["available"], audit.Anomalies.Count));
    }
}

public sealed class SqliteBestAvailableTests(BoxOfficeApp app) : BestAvailableTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresBestAvailableTests(PostgresBoxOfficeApp app) : BestAvailableTests(app), IClassFixture<PostgresBoxOfficeApp>;
