using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>What a seat page downloads: the layout once, revalidated by ETag and compressed, and the best seats shown before anything is held.</summary>
public class SeatMapTransferTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_layout_answers_304_to_its_own_etag()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(12, 16));
        using var client = app.CreateClient();

        using var first = await client.GetAsync($"/api/events/{eventId}/layout");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{eventId}/layout");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var revalidated = await client.SendAsync(again);
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{eventId}/layout");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\"", isWeak: true));
        using var other = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl!.NoCache);
        var layout = (await first.Content.ReadFromJsonAsync<EventLayoutView>())!;
        Assert.Equal(12 * 16, layout.Rows.Sum(row => row.Labels.Count));
        Assert.Equal(["A1", "A2"], layout.Rows[0].Labels.Take(2));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task A_stadium_of_one_hundred_thousand_seats_travels_in_under_600_KB(string encoding)
    {
        var eventId = await app.CreateEventAsync(Layouts.Stadium(50, 50, 40));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{eventId}/layout");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));

        using var layout = await client.SendAsync(request);
        var layoutBytes = (await layout.Content.ReadAsByteArrayAsync()).Length;
        using var feed = await app.WatchEventAsync(eventId);
        var snapshot = await feed.NextSnapshotAsync();
        var snapshotBytes = JsonSerializer.SerializeToUtf8Bytes(snapshot, Json).Length;

        Assert.Equal(encoding, layout.Content.Headers.ContentEncoding.Single());
        Assert.Equal(100_000, snapshot.Seats.Length);
        Assert.True(layoutBytes + snapshotBytes < 600 * 1024, $"layout {layoutBytes:N0} B + snapshot {snapshotBytes:N0} B");
    }

    [Fact]
    public async Task Pages_scripts_and_styles_travel_compressed()
    {
        using var client = app.CreateClient();
        foreach (var path in new[] { "/", "/seat-map.js", "/app.css", "/api/events" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            using var response = await client.SendAsync(request);
            Assert.Equal("br", response.Content.Headers.ContentEncoding.Single());
        }
    }

    [Fact]
    public async Task A_wheelchair_request_gets_a_space_and_the_companion_seat_beside_it_until_none_is_left()
    {
        // Two wheelchair spaces at the back of each of two sections (the stadium's back-row aisle seats).
        var eventId = await app.CreateEventAsync(Layouts.Stadium(2, 5, 6));
        using var client = app.CreateClient();
        var layout = (await client.GetFromJsonAsync<EventLayoutView>($"/api/events/{eventId}/layout"))!;
        var seats = layout.Rows.SelectMany(row => row.Labels.Select((label, i) => (Label: label, Row: row, X: row.X[i], Flags: row.Flags[i])))
            .ToDictionary(seat => seat.Label);

        var taken = new List<string>();
        for (var pair = 0; pair < 4; pair++)
        {
            var preview = (await client.GetFromJsonAsync<BestAvailableView>($"/api/events/{eventId}/best-available?count=2&wheelchair=true"))!;
            var (space, companion) = (seats[preview.Seats[0]], seats[preview.Seats[1]]);
            Assert.Equal(4, space.Flags & 4);
            Assert.Equal(0, companion.Flags & 4);
            Assert.Same(space.Row, companion.Row);
            Assert.Equal(1, Math.Abs(space.X - companion.X));
            var booked = await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", TestEvents.Seats((space.Label, "Ada"), (companion.Label, "Bob")));
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            taken.AddRange(preview.Seats);
        }
        var none = await client.GetAsync($"/api/events/{eventId}/best-available?count=2&wheelchair=true");

        Assert.Equal(8, taken.Distinct().Count());
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        var problem = await none.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No wheelchair space has a free companion seat beside it.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Best_available_says_when_seats_are_left_only_apart()
    {
        var eventId = await app.CreateEventAsync(Layouts.Cinema(1, 5));
        using var client = app.CreateClient();
        var booked = await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", TestEvents.Seats(("A2", "Ada"), ("A4", "Bob")));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);

        var together = await client.GetAsync($"/api/events/{eventId}/best-available?count=3");
        var apart = await client.GetFromJsonAsync<BestAvailableView>($"/api/events/{eventId}/best-available?count=3&together=false");

        Assert.Equal(HttpStatusCode.Conflict, together.StatusCode);
        var problem = await together.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No 3 seats together; 3 apart are available.", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("availableApart").GetBoolean());
        Assert.Equal(["A1", "A3", "A5"], apart!.Seats.Order());
    }
}
