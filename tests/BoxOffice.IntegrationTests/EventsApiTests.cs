using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public class EventsApiTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    [Fact]
    public async Task Admin_creates_a_cinema_and_everyone_sees_its_seat_map()
    {
        using var admin = app.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new
        {
            id = "cinema-1",
            title = "Metropolis",
            layout = new { template = "cinema", rows = 12, seatsPerRow = 16 },
            prices = new Dictionary<string, long> { ["standard"] = 1250 },
            currency = "GBP",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/events/cinema-1", response.Headers.Location?.OriginalString);
        var map = await app.CreateClient().GetFromJsonAsync<SeatMapView>("/api/events/cinema-1");
        Assert.Equal(192, map!.Seats.Count);
        Assert.Equal(192, map.Counts["available"]);
        Assert.Equal(1250, map.Prices["standard"]);
        var a1 = map.Seats[0];
        Assert.Equal(("A1", "Stalls", "A", "standard", 0, 0, "available"), (a1.Label, a1.Section, a1.Row, a1.Category, a1.X, a1.Y, a1.Status));
        Assert.Equal(["aisle"], a1.Flags);
        var events = await app.CreateClient().GetFromJsonAsync<EventSummary[]>("/api/events");
        Assert.Contains(events!, e => e is { Id: "cinema-1", SeatCount: 192, Available: 192, Currency: "GBP" });
    }

    [Fact]
    public async Task A_custom_layout_keeps_its_categories_flags_and_blocked_seats()
    {
        using var admin = app.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new
        {
            id = "custom-1",
            title = "Jazz club",
            layout = JsonDocument.Parse("""
                {"sections":[{"name":"Floor","rows":[{"name":"1","seats":[
                  {"label":"T1","category":"table","flags":["accessible"]},
                  {"label":"T2","category":"table","flags":["blocked"]},
                  {"label":"B1","category":"bar","x":4}]}]}]}
                """).RootElement,
            prices = new Dictionary<string, long> { ["table"] = 4000, ["bar"] = 1500 },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var map = await app.CreateClient().GetFromJsonAsync<SeatMapView>("/api/events/custom-1");
        Assert.Equal(["available", "blocked", "available"], map!.Seats.Select(s => s.Status));
        Assert.Equal(["accessible"], map.Seats[0].Flags);
        Assert.Equal(4, map.Seats[2].X);
        Assert.Equal(1, map.Counts["blocked"]);
    }

    [Fact]
    public async Task Creating_an_event_needs_the_admin_token()
    {
        var body = new { id = "no-token", title = "x", layout = new { template = "a320" } };

        var anonymous = await app.CreateClient().PostAsJsonAsync("/api/events", body);
        using var wrong = app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "guess");
        var guessed = await wrong.PostAsJsonAsync("/api/events", body);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/api/events/no-token")).StatusCode);
    }

    [Theory]
    [InlineData("""{"id":"bad id!","title":"x","layout":{"template":"a320"}}""", "id")]
    [InlineData("""{"id":"ok","title":"","layout":{"template":"a320"}}""", "title")]
    [InlineData("""{"id":"ok","title":"x"}""", "layout")]
    [InlineData("""{"id":"ok","title":"x","layout":{"template":"stadium","sections":100,"rows":100,"seatsPerRow":100}}""", "layout")]
    [InlineData("""{"id":"ok","title":"x","layout":{"template":"a320"},"prices":{"gold":5}}""", "prices.standard")]
    [InlineData("""{"id":"ok","title":"x","layout":{"template":"a320"},"prices":{"standard":-1}}""", "prices.standard")]
    [InlineData("""{"id":"ok","title":"x","layout":{"template":"a320"},"currency":"euro"}""", "currency")]
    public async Task Invalid_events_are_refused_with_the_field_at_fault(string json, string field)
    {
        using var admin = app.CreateAdminClient();

        var response = await admin.PostAsync("/api/events", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/api/events/ok")).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request()
    {
        using var admin = app.CreateAdminClient();

        var response = await admin.PostAsync("/api/events", new StringContent("{\"id\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_event_id_can_be_used_once()
    {
        var id = await app.CreateEventAsync(new { template = "a320" });
        using var admin = app.CreateAdminClient();

        var again = await admin.PostAsJsonAsync("/api/events", new { id, title = "Again", layout = new { template = "cinema" } });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var map = await app.CreateClient().GetFromJsonAsync<SeatMapView>($"/api/events/{id}");
        Assert.Equal(60, map!.Seats.Count);
    }

    [Fact]
    public async Task A_stadium_of_one_hundred_thousand_seats_can_be_created_and_booked()
    {
        var id = await app.CreateEventAsync(new { template = "stadium", sections = 10, rows = 100, seatsPerRow = 100 });

        var booked = await app.CreateClient().PostAsJsonAsync($"/api/events/{id}/bookings", BoxOfficeApp.Seats(("S7-50-50", "Ada")));

        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var events = await app.CreateClient().GetFromJsonAsync<EventSummary[]>("/api/events");
        Assert.Contains(events!, e => e.Id == id && e.SeatCount == 100_000 && e.Available == 99_999);
    }

    [Fact]
    public async Task Unknown_events_are_not_found()
    {
        var response = await app.CreateClient().GetAsync("/api/events/never-created");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
