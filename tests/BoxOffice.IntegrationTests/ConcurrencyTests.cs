using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts;
using Microsoft.Data.Sqlite;

namespace BoxOffice.IntegrationTests;

/// <summary>Exact outcomes under contention: the database, not luck, decides who gets a seat.</summary>
public class ConcurrencyTests(BoxOfficeApp app, ITestOutputHelper output) : IClassFixture<BoxOfficeApp>
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
        using var database = app.OpenDatabase();
        Assert.Equal(1L, Scalar(database, $"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND seat = '5C'"));
    }

    [Fact]
    public async Task Twelve_hundred_buyers_for_random_seats_never_double_book_and_every_success_is_stored()
    {
        var eventId = await app.CreateEventAsync(new { template = "stadium", sections = 2, rows = 20, seatsPerRow = 25 });
        var labels = Enumerable.Range(1, 2).SelectMany(s => Enumerable.Range(1, 20).SelectMany(r => Enumerable.Range(1, 25).Select(n => $"S{s}-{r}-{n}"))).ToArray();
        var random = new Random(1200);
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1200).Select(async i =>
        {
            var seat = labels[random.Next(labels.Length)];
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats((seat, $"Buyer {i}")));
            var elapsed = Stopwatch.GetElapsedTime(started);
            var booking = response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<BookingResponse>() : null;
            return (response.StatusCode, Seat: seat, Booking: booking, Elapsed: elapsed);
        }));
        clock.Stop();

        var latencies = outcomes.Select(o => o.Elapsed.TotalMilliseconds).Order().ToArray();
        output.WriteLine($"1,200 requests in {clock.ElapsedMilliseconds} ms; p50 {latencies[600]:F0} ms, p99 {latencies[1187]:F0} ms");
        var winners = outcomes.Where(o => o.StatusCode == HttpStatusCode.Created).ToArray();
        Assert.All(outcomes, o => Assert.Contains(o.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(winners.Length, winners.Select(w => w.Seat).Distinct().Count());
        Assert.Equal(outcomes.Select(o => o.Seat).Distinct().Count(), winners.Length);

        using var database = app.OpenDatabase();
        Assert.Equal(0L, Scalar(database, $"SELECT COUNT(*) FROM (SELECT seat FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL GROUP BY seat HAVING COUNT(*) > 1)"));
        Assert.Equal((long)winners.Length, Scalar(database, $"SELECT COUNT(*) FROM seats WHERE event_id = '{eventId}' AND status = 'booked'"));
        Assert.Equal(1000L - winners.Length, Scalar(database, $"SELECT available_count FROM events WHERE id = '{eventId}'"));
        foreach (var (_, seat, booking, _) in winners)
        {
            Assert.Equal(booking!.Reference, Scalar(database, $"SELECT booking_ref FROM seats WHERE event_id = '{eventId}' AND seat = '{seat}'"));
        }
        var map = await client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        Assert.Equal((winners.Length, 1000 - winners.Length), (map!.Counts["booked"], map.Counts["available"]));
    }

    private static object? Scalar(SqliteConnection database, string sql)
    {
        using var command = database.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
