using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>The SQLite concurrency guarantees, held by PostgreSQL: exact outcomes, whoever wins.</summary>
public class PostgresConcurrencyTests(PostgresBoxOfficeApp app) : IClassFixture<PostgresBoxOfficeApp>
{
    [Fact]
    public async Task Three_hundred_requests_for_one_seat_have_exactly_one_winner()
    {
        var eventId = await app.CreateEventAsync(new { template = "a320" });
        using var client = app.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(("5C", $"Buyer {i}")))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(299, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1L, await app.Database.ScalarAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND seat = '5C'"));
    }

    [Fact]
    public async Task Twelve_hundred_buyers_for_a_thousand_seats_sell_every_seat_once()
    {
        var eventId = await app.CreateEventAsync(new { template = "stadium", sections = 1, rows = 40, seatsPerRow = 25 });
        using var client = app.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i =>
            client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { $"Buyer {i}" } })));

        var booked = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(BoxOfficeApp.ReadBooking));
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        Assert.Equal(200, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        using var admin = app.CreateAdminClient();
        var audit = (await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit"))!;
        Assert.Empty(audit.Anomalies);
        Assert.Equal((1000, 0), (audit.Counts["booked"], audit.Counts["available"]));
        Assert.Equal(1000L, await app.Database.ScalarAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL"));
    }
}
