using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public class BestAvailableTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private Task<HttpResponseMessage> BookBest(string eventId, object body) => _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", body);

    private async Task<EventAudit> AuditAsync(string eventId)
    {
        using var admin = app.CreateAdminClient();
        return (await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit"))!;
    }

    [Fact]
    public async Task Twelve_hundred_buyers_for_a_thousand_seats_sell_every_seat_once_and_hear_sold_out()
    {
        var eventId = await app.CreateEventAsync(new { template = "stadium", sections = 1, rows = 40, seatsPerRow = 25 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i =>
            BookBest(eventId, new { count = 1, names = new[] { $"Buyer {i}" } })));

        var booked = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(BoxOfficeApp.ReadBooking));
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        Assert.Equal(200, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var audit = await AuditAsync(eventId);
        Assert.Empty(audit.Anomalies);
        Assert.Equal((1000, 0), (audit.Counts["booked"], audit.Counts["available"]));
        var soldOut = await responses.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, soldOut.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task A_party_gets_adjacent_seats_in_one_row()
    {
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 12, seatsPerRow = 16 });

        var booking = await BoxOfficeApp.ReadBooking(await BookBest(eventId, new { count = 4, names = new[] { "Ada", "Bob", "Cy", "Di" }, together = true }));

        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        var seats = booking.Seats.Select(s => map!.Seats.Single(v => v.Label == s.Seat)).ToArray();
        Assert.Single(seats.Select(s => s.Row).Distinct());
        Assert.Equal(Enumerable.Range(seats[0].X, 4), seats.Select(s => s.X));
        Assert.Equal(["Ada", "Bob", "Cy", "Di"], booking.Seats.Select(s => s.Name));
    }

    [Fact]
    public async Task Without_a_block_together_is_refused_with_what_is_left_but_apart_still_works()
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });
        // Leave only the middle seat of each three free: no two free seats are side by side.
        var taken = Enumerable.Range(1, 10).SelectMany(row => new[] { "A", "C", "D", "F" }.Select(letter => new { seat = $"{row}{letter}", name = "Filler" }))
            .Chunk(20).ToArray();
        foreach (var chunk in taken)
            Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { seats = chunk })).StatusCode);

        var together = await BookBest(eventId, new { count = 2, names = new[] { "Ada", "Bob" } });
        var apart = await BookBest(eventId, new { count = 2, names = new[] { "Ada", "Bob" }, together = false });

        Assert.Equal(HttpStatusCode.Conflict, together.StatusCode);
        Assert.Equal(20, (await together.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("available").GetInt32());
        Assert.Equal(["1B", "1E"], (await BoxOfficeApp.ReadBooking(apart)).Seats.Select(s => s.Seat));
    }

    [Theory]
    [InlineData("""{"count":2,"names":["Ada"]}""", "names")]
    [InlineData("""{"count":0,"names":[]}""", "count")]
    [InlineData("""{"count":21,"names":[]}""", "count")]
    [InlineData("""{"count":1,"names":[""]}""", "names[0]")]
    [InlineData("""{"count":1,"names":["Ada"],"seats":[{"seat":"1A","name":"Ada"}]}""", "count")]
    public async Task Bad_best_available_requests_are_a_bad_request(string json, string field)
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });

        var response = await _client.PostAsync($"/api/events/{eventId}/bookings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task The_audit_is_for_admins_only()
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync($"/api/events/{eventId}/audit")).StatusCode);
        using var admin = app.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/events/not-an-event/audit")).StatusCode);
        var audit = await AuditAsync(eventId);
        Assert.Equal((0L, 60, 0), (audit.Version, audit.Counts["available"], audit.Anomalies.Count));
    }
}
