using System.Diagnostics;
using System.Net;
using BoxOffice.Client;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Exact outcomes under contention: the database, not luck, decides who gets a seat. Written once, run on each store.</summary>
public abstract class ConcurrencyTests(BoxOfficeApp app, ITestOutputHelper output)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await app.Database.ScalarAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Three_hundred_requests_for_one_seat_have_exactly_one_winner()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => _api.BookAsync(eventId, Seats(("5C", $"Buyer {i}")))));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(299, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{eventId}' AND seat = '5C'"));
    }

    [Fact]
    public async Task Twelve_hundred_buyers_for_random_seats_never_double_book_and_every_success_is_stored()
    {
        var eventId = await app.CreateEventAsync(Layouts.Stadium(2, 20, 25));
        var labels = Enumerable.Range(1, 2).SelectMany(s => Enumerable.Range(1, 20).SelectMany(r => Enumerable.Range(1, 25).Select(n => $"S{s}-{r}-{n}"))).ToArray();
        var random = new Random(1200);

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1200).Select(async i =>
        {
            var seat = labels[random.Next(labels.Length)];
            var started = Stopwatch.GetTimestamp();
            var response = await _api.BookAsync(eventId, Seats((seat, $"Buyer {i}")));
            var elapsed = Stopwatch.GetElapsedTime(started);
            return (response.Status, Seat: seat, Booking: response.Status == HttpStatusCode.Created ? response.Value : null, Elapsed: elapsed);
        }));
        clock.Stop();

        var latencies = outcomes.Select(o => o.Elapsed.TotalMilliseconds).Order().ToArray();
        output.WriteLine($"1,200 requests in {clock.ElapsedMilliseconds} ms; p50 {latencies[600]:F0} ms, p99 {latencies[1187]:F0} ms");
        var winners = outcomes.Where(o => o.Status == HttpStatusCode.Created).ToArray();
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(winners.Length, winners.Select(w => w.Seat).Distinct().Count());
        Assert.Equal(outcomes.Select(o => o.Seat).Distinct().Count(), winners.Length);

        Assert.Equal(0, await CountAsync(
            $"SELECT COUNT(*) FROM (SELECT seat FROM booking_seats WHERE event_id = '{eventId}' AND released_at_ms IS NULL GROUP BY seat HAVING COUNT(*) > 1) doubles"));
        Assert.Equal(winners.Length, await CountAsync($"SELECT COUNT(*) FROM seats WHERE event_id = '{eventId}' AND status = 'booked'"));
        Assert.Equal(1000 - winners.Length, await CountAsync($"SELECT available_count FROM events WHERE id = '{eventId}'"));
        var holders = (await app.Database.RowsAsync($"SELECT seat, booking_ref FROM seats WHERE event_id = '{eventId}' AND status = 'booked'"))
            .ToDictionary(row => (string)row[0], row => (string)row[1]);
        Assert.All(winners, winner => Assert.Equal(winner.Booking!.Reference, holders.GetValueOrDefault(winner.Seat)));
        var map = (await _api.GetSeatMapAsync(eventId)).Value;
        Assert.Equal((winners.Length, 1000 - winners.Length), (map.Counts["booked"], map.Counts["available"]));
    }
}

public sealed class SqliteConcurrencyTests(BoxOfficeApp app, ITestOutputHelper output) : ConcurrencyTests(app, output), IClassFixture<BoxOfficeApp>;

public sealed class PostgresConcurrencyTests(PostgresBoxOfficeApp app, ITestOutputHelper output) : ConcurrencyTests(app, output), IClassFixture<PostgresBoxOfficeApp>;
