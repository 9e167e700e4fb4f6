using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Named bookings through the API, with the owner's manage token: written once, run on each store.</summary>
public abstract class BookingsApiTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    private Task<string> NewFlight() => app.CreateEventAsync(Layouts.A320);

    private Task<ApiResult<BookingResponse>> Book(string eventId, params (string Seat, string Name)[] seats) => _api.BookAsync(eventId, Seats(seats));

    private async Task<SeatMapView> SeatMapAsync(string eventId) => (await _api.GetSeatMapAsync(eventId)).EnsureSuccess().Value;

    [Fact]
    public async Task Booking_named_seats_returns_a_reference_and_a_manage_token()
    {
        var flight = await NewFlight();

        var booking = (await Book(flight, ("10c", "Ada Lovelace"), ("1A", "Charles Babbage"))).Created();

        Assert.Matches("^[A-Z2-9]{8}$", booking.Reference);
        Assert.True(booking.ManageToken.Length >= 32);
        Assert.Equal([new BookedSeat("10C", "Ada Lovelace"), new BookedSeat("1A", "Charles Babbage")], booking.Seats);
    }

    [Fact]
    public async Task Booking_is_all_or_nothing_and_names_the_seats_that_are_taken()
    {
        var flight = await NewFlight();
        (await Book(flight, ("2B", "Ada"))).Created();

        var response = await Book(flight, ("2A", "Bob"), ("2B", "Cy"));

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal(["2B"], response.ProblemMember("unavailableSeats").EnumerateArray().Select(s => s.GetString()));
        var map = await SeatMapAsync(flight);
        Assert.Equal("available", map.Seats.Single(s => s.Label == "2A").Status);
        Assert.Equal(1, map.Counts["booked"]);
    }

    [Fact]
    public async Task Unknown_seats_and_events_are_not_found()
    {
        var flight = await NewFlight();

        var unknownSeat = await Book(flight, ("11A", "Ada"));
        var unknownEvent = await Book("no-such-flight", ("1A", "Ada"));

        Assert.Equal(HttpStatusCode.NotFound, unknownSeat.Status);
        Assert.Contains("11A", unknownSeat.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownEvent.Status);
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
        using var client = app.CreateClient();

        var response = await client.PostAsync($"/api/events/{flight}/bookings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await SeatMapAsync(flight)).Version);
    }

    [Fact]
    public async Task The_owner_sees_the_booking_with_names_and_others_do_not()
    {
        var flight = await NewFlight();
        var booking = (await Book(flight, ("3C", "Ada Lovelace"))).Created();

        var owner = await _api.GetBookingAsync(booking.Reference, booking.ManageToken);
        var noToken = await _api.GetBookingAsync(booking.Reference, null);
        var wrongToken = await _api.GetBookingAsync(booking.Reference, "not-the-token");
        var publicMap = await _api.GetSeatMapAsync(flight);

        var view = owner.Value;
        Assert.Equal(("confirmed", flight), (view.Status, view.EventId));
        Assert.Equal([new BookedSeat("3C", "Ada Lovelace")], view.Seats);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.Status);
        Assert.Equal(HttpStatusCode.NotFound, wrongToken.Status);
        Assert.DoesNotContain("Lovelace", publicMap.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_releases_the_seats_for_someone_else()
    {
        var flight = await NewFlight();
        var booking = (await Book(flight, ("4A", "Ada"), ("4B", "Bob"))).Created();

        var wrong = await _api.CancelBookingAsync(booking.Reference, "guess");
        var cancelled = await _api.CancelBookingAsync(booking.Reference, booking.ManageToken);
        var again = await _api.CancelBookingAsync(booking.Reference, booking.ManageToken);

        Assert.Equal(HttpStatusCode.NotFound, wrong.Status);
        Assert.Equal(HttpStatusCode.NoContent, cancelled.Status);
        Assert.Equal(HttpStatusCode.NoContent, again.Status);
        Assert.Equal("cancelled", (await _api.GetBookingAsync(booking.Reference, booking.ManageToken)).Value.Status);
        (await Book(flight, ("4B", "Cy"))).Created();
        var map = await SeatMapAsync(flight);
        Assert.Equal((59, 1), (map.Counts["available"], map.Counts["booked"]));
    }

    [Fact]
    public async Task Unknown_references_are_not_found()
    {
        var response = await _api.GetBookingAsync("ZZZZZZZZ", "token");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task Metrics_count_committed_batches_and_active_desks()
    {
        var flight = await NewFlight();
        (await Book(flight, ("6D", "Ada"))).Created();

        var response = await _api.GetMetricsAsync();
        var metrics = response.Value.Values;

        Assert.Equal("text/plain", response.MediaType);
        Assert.All(response.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
            Assert.True(line.Split(' ') is [_, var value] && double.TryParse(value, CultureInfo.InvariantCulture, out _), line));
        Assert.True(metrics["boxoffice_desk_batches"] >= 1);
        Assert.True(metrics["boxoffice_desk_commands"] >= 1);
        Assert.True(metrics["boxoffice_desks_active"] >= 1);
        Assert.True(metrics["process_working_set_bytes"] > 0);
    }
}

public sealed class SqliteBookingsApiTests(BoxOfficeApp app) : BookingsApiTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresBookingsApiTests(PostgresBoxOfficeApp app) : BookingsApiTests(app), IClassFixture<PostgresBoxOfficeApp>;
