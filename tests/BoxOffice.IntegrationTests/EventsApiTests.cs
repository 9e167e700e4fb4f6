using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Creating events and reading their seat maps: written once, run on each store.</summary>
public abstract class EventsApiTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    [Fact]
    public async Task Admin_creates_a_cinema_and_everyone_sees_its_seat_map()
    {
        var response = await _api.CreateEventAsync(
            new CreateEventRequest("cinema-1", "Metropolis", Layouts.Cinema(12, 16), new Dictionary<string, long> { ["standard"] = 1250 }, "GBP"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("/api/events/cinema-1", response.Location?.OriginalString);
        using var anonymous = app.CreateApiClient(adminToken: null);
        var map = (await anonymous.GetSeatMapAsync("cinema-1")).Value;
        Assert.Equal(192, map.Seats.Count);
        Assert.Equal(192, map.Counts["available"]);
        Assert.Equal(1250, map.Prices["standard"]);
        var a1 = map.Seats[0];
        Assert.Equal(("A1", "Stalls", "A", "standard", 0, 0, "available"), (a1.Label, a1.Section, a1.Row, a1.Category, a1.X, a1.Y, a1.Status));
        Assert.Equal(["aisle"], a1.Flags);
        var events = (await anonymous.ListEventsAsync()).Value;
        Assert.Contains(events, e => e is { Id: "cinema-1", SeatCount: 192, Available: 192, Currency: "GBP" });
    }

    [Fact]
    public async Task A_custom_layout_keeps_its_categories_flags_and_blocked_seats()
    {
        var layout = JsonElement.Parse("""
            {"sections":[{"name":"Floor","rows":[{"name":"1","seats":[
              {"label":"T1","category":"table","flags":["accessible"]},
              {"label":"T2","category":"table","flags":["blocked"]},
              {"label":"B1","category":"bar","x":4}]}]}]}
            """);

        var response = await _api.CreateEventAsync(
            new CreateEventRequest("custom-1", "Jazz club", layout, new Dictionary<string, long> { ["table"] = 4000, ["bar"] = 1500 }, null));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var map = (await _api.GetSeatMapAsync("custom-1")).Value;
        Assert.Equal(["available", "blocked", "available"], map.Seats.Select(s => s.Status));
        Assert.Equal(["accessible"], map.Seats[0].Flags);
        Assert.Equal(4, map.Seats[2].X);
        Assert.Equal(1, map.Counts["blocked"]);
    }

    [Fact]
    public async Task Creating_an_event_needs_the_admin_token()
    {
        var request = new CreateEventRequest("no-token", "x", Layouts.A320, null, null);
        using var anonymous = app.CreateApiClient(adminToken: null);
        using var wrong = app.CreateApiClient(adminToken: "guess");

        var refused = await anonymous.CreateEventAsync(request);
        var guessed = await wrong.CreateEventAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.Status);
        Assert.Equal("application/problem+json", refused.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetSeatMapAsync("no-token")).Status);
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

        var response = await admin.PostAsync("/api/events", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetSeatMapAsync("ok")).Status);
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request()
    {
        using var admin = app.CreateAdminClient();

        var response = await admin.PostAsync("/api/events", new StringContent("{\"id\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_event_id_can_be_used_once()
    {
        var id = await app.CreateEventAsync(Layouts.A320);

        var again = await _api.CreateEventAsync(new CreateEventRequest(id, "Again", Layouts.Cinema(12, 16), null, null));

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(60, (await _api.GetSeatMapAsync(id)).Value.Seats.Count);
    }

    [Fact]
    public async Task A_stadium_of_one_hundred_thousand_seats_can_be_created_and_booked()
    {
        var id = await app.CreateEventAsync(Layouts.Stadium(10, 100, 100));

        var booked = await _api.BookAsync(id, Seats(("S7-50-50", "Ada")));

        Assert.Equal(HttpStatusCode.Created, booked.Status);
        var events = (await _api.ListEventsAsync()).Value;
        Assert.Contains(events, e => e.Id == id && e.SeatCount == 100_000 && e.Available == 99_999);
    }

    [Fact]
    public async Task Unknown_events_are_not_found()
    {
        var response = await _api.GetSeatMapAsync("never-created");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
    }
}

public sealed class SqliteEventsApiTests(BoxOfficeApp app) : EventsApiTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresEventsApiTests(PostgresBoxOfficeApp app) : EventsApiTests(app), IClassFixture<PostgresBoxOfficeApp>;
