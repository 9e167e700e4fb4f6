using System.Net;
using BoxOffice.Client;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>The SQLite concurrency guarantees, held by PostgreSQL: exact outcomes, whoever wins.</summary>
public class PostgresConcurrencyTests(PostgresBoxOfficeApp app) : IClassFixture<PostgresBoxOfficeApp>
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    [Fact]
    public async Task Three_hundred_requests_for_one_seat_have_exactly_one_winner()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => _api.BookAsync(eventId, Seats(("5C", $"Buyer {i}")))));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(299, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal(1L, await app.Database.ScalarAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND seat = '5C'"));
    }

    [Fact]
    public async Task Twelve_hundred_buyers_for_a_thousand_seats_sell_every_seat_once()
    {
        var eventId = await app.CreateEventAsync(Layouts.Stadium(1, 40, 25));

        var responses = await Task.WhenAll(Enumerable.Range(0, 1200).Select(i => _api.BookAsync(eventId, Best($"Buyer {i}"))));

        var booked = responses.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Value).ToArray();
        Assert.Equal(1000, booked.Length);
        Assert.Equal(1000, booked.Select(b => b.Seats[0].Seat).Distinct().Count());
        Assert.Equal(200, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        var audit = (await _api.AuditAsync(eventId)).Value;
        Assert.Empty(audit.Anomalies);
        Assert.Equal((1000, 0), (audit.Counts["booked"], audit.Counts["available"]));
        Assert.Equal(1000L, await app.Database.ScalarAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL"));
    }
}
