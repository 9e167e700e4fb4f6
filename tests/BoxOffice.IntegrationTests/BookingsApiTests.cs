using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public class BookingsApiTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private Task<string> NewFlight() => app.CreateEventAsync(new { template = "a320" });

    private Task<HttpResponseMessage> Book(string eventId, params (string Seat, string Name)[] seats) =>
        _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(seats));

    private Task<HttpResponseMessage> Send(HttpMethod method, string reference, string? token)
    {
        var request = new HttpRequestMessage(method, $"/api/bookings/{reference}");
        if (token is not null)
            request.Headers.Add("X-Manage-Token", token);
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task Booking_named_seats_returns_a_reference_and_a_manage_token()
    {
        var flight = await NewFlight();

        var booking = await BoxOfficeApp.ReadBooking(await Book(flight, ("10c", "Ada Lovelace"), ("1A", "Charles Babbage")));

        Assert.Matches("^[A-Z2-9]{8}$", booking.Reference);
        Assert.True(booking.ManageToken.Length >= 32);
        Assert.Equal([new BookedSeat("10C", "Ada Lovelace"), new BookedSeat("1A", "Charles Babbage")], booking.Seats);
    }

    [Fact]
    public async Task Booking_is_all_or_nothing_and_names_the_seats_that_are_taken()
    {
        var flight = await NewFlight();
        await BoxOfficeApp.ReadBooking(await Book(flight, ("2B", "Ada")));

        var response = await Book(flight, ("2A", "Bob"), ("2B", "Cy"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["2B"], problem.GetProperty("unavailableSeats").EnumerateArray().Select(s => s.GetString()));
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{flight}");
        Assert.Equal("available", map!.Seats.Single(s => s.Label == "2A").Status);
        Assert.Equal(1, map.Counts["booked"]);
    }

    [Fact]
    public async Task Unknown_seats_and_events_are_not_found()
    {
        var flight = await NewFlight();

        var unknownSeat = await Book(flight, ("11A", "Ada"));
        var unknownEvent = await Book("no-such-flight", ("1A", "Ada"));

        Assert.Equal(HttpStatusCode.NotFound, unknownSeat.StatusCode);
        Assert.Contains("11A", await unknownSeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownEvent.StatusCode);
    }

    public static TheoryData<string> BadBodies() => new()
    {
        "{\"seats\":[{\"seat\":\"1A\",",
        "{\"seats\":[{\"seat\":\"1A\"}]}",
        "{\"seats\":[{\"name\":\"Ada\"}]}",
        "{\"seats\":[]}",
        "{}",
        "[]",
        "{\"seats\":[{\"seat\":\"1A\",\"name\":\"" + new string('x', 10 * 1024) + "\"}]}",
        "{\"seats\":[{\"seat\":\"1A\",\"name\":\"   \"}]}",
        "{\"seats\":[{\"seat\":\"1A\",\"name\":\"Ada\\u0000\"}]}",
        "{\"seats\":[{\"seat\":\"1A\",\"name\":\"Ada\"},{\"seat\":\"1a\",\"name\":\"Bob\"}]}",
        "{\"seats\":[{\"seat\":\"" + new string('1', 40) + "\",\"name\":\"Ada\"}]}",
        JsonSerializer.Serialize(new { seats = Enumerable.Range(1, 21).Select(i => new { seat = $"{(i % 10) + 1}{(char)('A' + i / 10)}", name = "N" }) }),
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_bad_request_and_changes_nothing(string body)
    {
        var flight = await NewFlight();

        var response = await _client.PostAsync($"/api/events/{flight}/bookings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{flight}");
        Assert.Equal(0, map!.Version);
    }

    [Fact]
    public async Task The_owner_sees_the_booking_with_names_and_others_do_not()
    {
        var flight = await NewFlight();
        var booking = await BoxOfficeApp.ReadBooking(await Book(flight, ("3C", "Ada Lovelace")));

        var owner = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{booking.Reference}") { Headers = { { "X-Manage-Token", booking.ManageToken } } });
        var noToken = await Send(HttpMethod.Get, booking.Reference, null);
        var wrongToken = await Send(HttpMethod.Get, booking.Reference, "not-the-token");
        var publicMap = await _client.GetStringAsync($"/api/events/{flight}");

        var view = await owner.Content.ReadFromJsonAsync<BookingView>();
        Assert.Equal(("confirmed", flight), (view!.Status, view.EventId));
        Assert.Equal([new BookedSeat("3C", "Ada Lovelace")], view.Seats);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongToken.StatusCode);
        Assert.DoesNotContain("Lovelace", publicMap, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_releases_the_seats_for_someone_else()
    {
        var flight = await NewFlight();
        var booking = await BoxOfficeApp.ReadBooking(await Book(flight, ("4A", "Ada"), ("4B", "Bob")));

        var wrong = await Send(HttpMethod.Delete, booking.Reference, "guess");
        var cancelled = await Send(HttpMethod.Delete, booking.Reference, booking.ManageToken);
        var again = await Send(HttpMethod.Delete, booking.Reference, booking.ManageToken);

        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var view = await (await Send(HttpMethod.Get, booking.Reference, booking.ManageToken)).Content.ReadFromJsonAsync<BookingView>();
        Assert.Equal("cancelled", view!.Status);
        await BoxOfficeApp.ReadBooking(await Book(flight, ("4B", "Cy")));
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{flight}");
        Assert.Equal((59, 1), (map!.Counts["available"], map.Counts["booked"]));
    }

    [Fact]
    public async Task Unknown_references_are_not_found()
    {
        var response = await Send(HttpMethod.Get, "ZZZZZZZZ", "token");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_count_committed_batches_and_active_desks()
    {
        var flight = await NewFlight();
        await BoxOfficeApp.ReadBooking(await Book(flight, ("6D", "Ada")));

        using var admin = app.CreateAdminClient();
        var response = await admin.GetAsync("/metrics");
        var metrics = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.True(metrics["boxoffice_desk_batches"] >= 1);
        Assert.True(metrics["boxoffice_desk_commands"] >= 1);
        Assert.True(metrics["boxoffice_desks_active"] >= 1);
        Assert.True(metrics["process_working_set_bytes"] > 0);
    }
}
