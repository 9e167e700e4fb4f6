using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Server;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>Security headers, strict JSON, names as stored, the guarded metrics and memory, and error texts in BoxOffice's words.</summary>
public class HttpHygieneTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.TryGetProperty("detail", out var text) ? text.GetString()! : problem.GetProperty("errors").GetRawText();
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("parameter", detail, StringComparison.OrdinalIgnoreCase);
        return detail;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/events/x")]
    [InlineData("/api/events")]
    [InlineData("/api/events/no-such-event")]
    public async Task Pages_and_api_responses_carry_the_security_headers(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(Hosting.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self';", Hosting.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task An_unknown_page_gets_a_helpful_404_page_and_an_unknown_api_route_a_problem()
    {
        var page = await _client.GetAsync("/no-such-page");
        var api = await _client.GetAsync("/api/no-such-route");
        var icon = await _client.GetAsync("/favicon.svg");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Page not found</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Hsts_is_sent_only_over_https()
    {
        using var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        var response = await https.GetAsync("/api/events");

        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task A_number_sent_as_a_string_is_refused_and_changes_nothing()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var booking = await _client.PostAsync($"/api/events/{eventId}/bookings", Json("""{"count":"2","names":["Ada","Grace"]}"""));
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = Json($$"""{"eventId":"{{eventId}}","count":"2","names":["Ada","Grace"],"email":"ada@example.com"}"""),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        };
        var ordered = await _client.SendAsync(order);

        Assert.Equal(HttpStatusCode.BadRequest, booking.StatusCode);
        Assert.Equal("Field 'count' has the wrong type: expected a number.", await ProblemDetailAsync(booking));
        Assert.Equal(HttpStatusCode.BadRequest, ordered.StatusCode);
        Assert.Equal("Field 'count' has the wrong type: expected a number.", await ProblemDetailAsync(ordered));
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        Assert.Equal(0, map!.Version);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("Ada \u202Eecalevol")]
    public async Task Invisible_or_reordering_names_are_refused(string name)
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var response = await _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { seats = new[] { new { seat = "1A", name } } });
        var tutorial = await _client.PostAsync($"/book-seat?flightId={eventId}", Json(JsonSerializer.Serialize(new { seatNumber = "1B", name })));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Name must be 1 to 100 printable characters.", await ProblemDetailAsync(response), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tutorial.StatusCode);
    }

    [Fact]
    public async Task A_decomposed_name_is_stored_composed_by_every_route_that_takes_names()
    {
        const string Decomposed = "Rene\u0301e";
        const string Composed = "Ren\u00E9e";
        var eventId = await app.CreateEventAsync(Layouts.A320);
        var paidId = await app.CreateEventAsync(Layouts.Cinema(2, 10), price: 1500);
        using var api = app.CreateApiClient();

        var flightId = $"fl-{Guid.NewGuid():N}"[..20];
        var booking = (await api.BookAsync(eventId, TestEvents.Seats(("1A", Decomposed)))).Created();
        (await api.BookFlightSeatAsync(flightId, new CompatBookRequest("2A", Decomposed))).EnsureSuccess();
        var best = (await api.BookAsync(eventId, TestEvents.Best(Decomposed))).Created();
        var ordered = (await api.CreateOrderAsync(
            new CreateOrderRequest(paidId, [new SeatRequest("A1", Decomposed)], null, null, null, null, "renee@example.com"), Guid.NewGuid().ToString())).Created();

        Assert.Equal(Composed, booking.Seats.Single().Name);
        Assert.Equal(Composed, best.Seats.Single().Name);
        Assert.Equal(Composed, ordered.Seats.Single().Name);
        var stored = (await api.GetFlightSeatsAsync(flightId)).Value;
        Assert.Equal(Composed, stored.Single(seat => seat.SeatNumber == "2A").Occupant);
    }

    [Fact]
    public async Task Metrics_need_the_admin_token()
    {
        var anonymous = await _client.GetAsync("/metrics");
        using var admin = app.CreateAdminClient();
        var authorised = await admin.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
    }

    [Fact]
    public async Task Metrics_can_be_made_public()
    {
        await using var open = app.WithWebHostBuilder(builder => builder.UseSetting("Metrics:Public", "true"));

        var response = await open.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_memory_after_a_full_collection_is_for_admins()
    {
        using var anonymous = app.CreateApiClient(adminToken: null);
        using var admin = app.CreateApiClient();

        var refused = await anonymous.GetMemoryAsync();
        var memory = (await admin.GetMemoryAsync()).Value;

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.True(memory.HeapBytes > 0 && memory.WorkingSetBytes > 0, memory.ToString());
    }

    [Theory]
    [InlineData("""{"seats":[{"seat":"1A","name":"Ada"}""", "The request body is not valid JSON for this route.")]
    [InlineData("""{"seats":[{"seat":1,"name":"Ada"}]}""", "Field 'seats[0].seat' has the wrong type: expected a string.")]
    [InlineData("""{"seats":{"seat":"1A"}}""", "Field 'seats' has the wrong type: expected an array.")]
    [InlineData("""{"count":1,"names":["Ada"],"together":"yes"}""", "Field 'together' has the wrong type: expected true or false.")]
    [InlineData("""[1,2]""", "The request body has the wrong type: expected an object.")]
    public async Task Unreadable_bodies_are_explained_without_the_framework_internals(string body, string detail)
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var response = await _client.PostAsync($"/api/events/{eventId}/bookings", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, await ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_missing_body_and_a_wrong_content_type_are_explained()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var empty = await _client.PostAsync($"/api/events/{eventId}/bookings", null);
        var text = await _client.PostAsync($"/api/events/{eventId}/bookings", new StringContent("""{"count":1,"names":["Ada"]}""", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("This route needs a JSON body.", await ProblemDetailAsync(empty));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("Send Content-Type: application/json.", await ProblemDetailAsync(text));
    }
}
