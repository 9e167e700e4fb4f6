using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using BoxOffice.Client;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>The Durable Objects tutorial's routes, with its exact shapes, on tutorial flights and nothing else: written once, run on each store.</summary>
public abstract class CompatApiTests(BoxOfficeApp app)
{
    private readonly BoxOfficeClient _api = app.CreateApiClient();

    /// <summary>Ids that sort in the order they are made, since flights made in the same millisecond are evicted in id order.</summary>
    internal static string NewFlightId(char first = 'f') => $"{first}-{Guid.NewGuid():N}"[..16];

    /// <summary>The tutorial's booking: its status and its message, which the tutorial's routes send whatever the status.</summary>
    internal static async Task<(HttpStatusCode Status, CompatMessage Body)> BookSeat(BoxOfficeClient api, string flightId, string seat, string name)
    {
        var answer = await api.BookFlightSeatAsync(flightId, new CompatBookRequest(seat, name));
        return (answer.Status, answer.Value);
    }

    /// <summary>Rows the server committed, read from its database: tutorial bookings have no manage token to read them with.</summary>
    internal static async Task<long> CountRowsAsync(BoxOfficeApp app, string sql) => Convert.ToInt64(await app.Database.ScalarAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    internal static async Task<bool> FlightExistsAsync(BoxOfficeApp app, string flightId) =>
        await CountRowsAsync(app, $"SELECT COUNT(*) FROM events WHERE id = '{flightId}'") == 1;

    private Task<(HttpStatusCode Status, CompatMessage Body)> BookSeat(string flightId, string seat, string name) => BookSeat(_api, flightId, seat, name);

    private async Task<(HttpStatusCode Status, CompatMessage Body)> PostBookSeat(string flightId, string json)
    {
        using var client = app.CreateClient();
        var response = await client.PostAsync($"/book-seat?flightId={flightId}", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<CompatMessage>())!);
    }

    private Task<string> CreateApiEventAsync(long price) => app.CreateEventAsync(Layouts.A320, price, NewId("api"));

    [Fact]
    public async Task An_unknown_flight_is_created_as_an_empty_a320()
    {
        var seats = (await _api.GetFlightSeatsAsync(NewFlightId())).Value;

        Assert.Equal(60, seats.Length);
        Assert.Equal(new CompatSeat("1A", null), seats[0]);
        Assert.Equal(new CompatSeat("10F", null), seats[^1]);
    }

    [Fact]
    public async Task Booking_a_seat_answers_like_the_tutorial()
    {
        var flight = NewFlightId();

        var booked = await BookSeat(flight, "1A", "Ada");
        var taken = await BookSeat(flight, "1A", "Bob");
        var unknown = await BookSeat(flight, "42Q", "Bob");

        Assert.Equal((HttpStatusCode.OK, new CompatMessage("Seat 1A booked successfully", 200)), booked);
        Assert.Equal((HttpStatusCode.Conflict, 409), (taken.Status, taken.Body.Status));
        Assert.Equal((HttpStatusCode.NotFound, 404), (unknown.Status, unknown.Body.Status));
        var seats = (await _api.GetFlightSeatsAsync(flight)).Value;
        Assert.Equal(new CompatSeat("1A", "Ada"), seats[0]);
    }

    [Fact]
    public async Task A_passenger_who_books_again_moves_seat_and_the_booking_left_behind_is_cancelled()
    {
        var flight = NewFlightId();

        await BookSeat(flight, "1A", "Ada");
        var moved = await BookSeat(flight, "5F", "Ada");

        Assert.Equal(HttpStatusCode.OK, moved.Status);
        var seats = (await _api.GetFlightSeatsAsync(flight)).Value;
        Assert.Equal([new CompatSeat("5F", "Ada")], seats.Where(s => s.Occupant is not null));
        Assert.Equal(2, await CountRowsAsync(app, $"SELECT COUNT(*) FROM bookings WHERE event_id = '{flight}'"));
        Assert.Equal(1, await CountRowsAsync(app, $"SELECT COUNT(*) FROM bookings WHERE event_id = '{flight}' AND cancelled_at_ms IS NULL"));
        Assert.Equal(1, await CountRowsAsync(app, $"SELECT COUNT(*) FROM booking_seats WHERE event_id = '{flight}' AND released_at_ms IS NULL"));
    }

    [Theory]
    [InlineData("""{"seatNumber":"1A"}""")]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"seatNumber":"1A","name":""}""")]
    [InlineData("""{"seatNumber":"1A",""")]
    [InlineData("""not json""")]
    public async Task Bad_bodies_are_a_400_in_the_tutorial_shape(string json)
    {
        var flight = NewFlightId();

        var (status, body) = await PostBookSeat(flight, json);

        Assert.Equal((HttpStatusCode.BadRequest, 400), (status, body.Status));
        Assert.False(string.IsNullOrWhiteSpace(body.Message));
    }

    [Theory]
    [InlineData("/seats")]
    [InlineData("/seats?flightId=")]
    [InlineData("/seats?flightId=has%20space")]
    [InlineData("/seats?flightId=a%2Fb")]
    [InlineData("/seats?flightId=x23456789012345678901234567890123")]
    [InlineData("/ws?flightId=a%2Fb")]
    public async Task A_missing_or_bad_flight_id_is_a_400_with_a_message(string url)
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<CompatMessage>();
        Assert.Contains("flightId", body!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flight_id_may_be_32_characters_and_begin_with_a_dash()
    {
        var flight = $"-{Guid.NewGuid():N}"[..32];

        var response = await _api.GetFlightSeatsAsync(flight);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1500)]
    public async Task The_tutorial_routes_do_not_find_an_api_event_and_never_show_its_names(long price)
    {
        var eventId = await CreateApiEventAsync(price);
        var seat = new SeatRequest("3C", "Grace Hopper");
        ApiResult named = price == 0
            ? await _api.BookAsync(eventId, new BookingRequest([seat]))
            : await _api.CreateOrderAsync(new CreateOrderRequest(eventId, [seat], null, null, null, null, "grace@example.com"), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, named.Status);

        var seats = await _api.GetFlightSeatsAsync(eventId);
        var booking = await BookSeat(eventId, "4D", "Ada");
        using var client = app.CreateClient();
        var socket = await client.GetAsync($"/ws?flightId={eventId}");

        Assert.Equal(HttpStatusCode.NotFound, seats.Status);
        Assert.DoesNotContain("Grace", seats.Text, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, new CompatMessage($"There is no flight {eventId}.", 404)), booking);
        Assert.Equal(HttpStatusCode.NotFound, socket.StatusCode);
        var map = (await _api.GetSeatMapAsync(eventId)).Value;
        Assert.NotEqual("available", map.Seats.Single(s => s.Label == "3C").Status);
        Assert.Equal("available", map.Seats.Single(s => s.Label == "4D").Status);
    }

    [Theory]
    [InlineData("4D")]
    [InlineData("42Q")]
    public async Task Book_seat_on_a_paid_events_id_says_there_is_no_such_flight_never_that_the_seat_does_not_exist(string seat)
    {
        var eventId = await CreateApiEventAsync(price: 1500);

        var answer = await BookSeat(eventId, seat, "Ada");

        Assert.Equal((HttpStatusCode.NotFound, new CompatMessage($"There is no flight {eventId}.", 404)), answer);
    }

    [Fact]
    public async Task A_strangers_name_on_book_seat_never_moves_an_api_booking()
    {
        var eventId = await CreateApiEventAsync(price: 0);
        var grace = (await _api.BookAsync(eventId, Seats(("3C", "Grace Hopper")))).Created();

        var stranger = await BookSeat(eventId, "4D", "Grace Hopper");

        Assert.Equal(HttpStatusCode.NotFound, stranger.Status);
        var view = (await _api.GetBookingAsync(grace.Reference, grace.ManageToken)).Value;
        Assert.Equal("confirmed", view.Status);
        Assert.Equal([new BookedSeat("3C", "Grace Hopper")], view.Seats);
        var map = (await _api.GetSeatMapAsync(eventId)).Value;
        Assert.Equal(("booked", "available"), (map.Seats.Single(s => s.Label == "3C").Status, map.Seats.Single(s => s.Label == "4D").Status));
    }

    [Fact]
    public async Task Tutorial_flights_are_reachable_only_through_the_tutorial_routes_and_the_staff_audit()
    {
        var flight = NewFlightId();
        await BookSeat(flight, "2C", "Ada");
        using var client = app.CreateClient();

        var map = await _api.GetSeatMapAsync(flight);
        var booking = await _api.BookAsync(flight, Seats(("3C", "Bob")));
        var live = await client.GetAsync($"/api/events/{flight}/live");
        var order = await _api.CreateOrderAsync(new CreateOrderRequest(flight, [new SeatRequest("4C", "Cy")], null, null, null, null, "cy@example.com"), Guid.NewGuid().ToString());
        var audit = await _api.AuditAsync(flight);

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK],
            new[] { map.Status, booking.Status, live.StatusCode, order.Status, audit.Status });
        var seats = (await _api.GetFlightSeatsAsync(flight)).Value;
        Assert.Equal([new CompatSeat("2C", "Ada")], seats.Where(s => s.Occupant is not null));
    }

    [Fact]
    public async Task Tutorial_flights_are_never_listed()
    {
        var flight = NewFlightId();
        await _api.GetFlightSeatsAsync(flight);
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var listed = (await _api.ListEventsAsync()).Value;

        Assert.Contains(listed, e => e.Id == eventId);
        Assert.DoesNotContain(listed, e => e.Id == flight);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task Book_seat_takes_only_json_and_anything_else_changes_nothing(string? mediaType)
    {
        var (existing, unknown) = (NewFlightId(), NewFlightId());
        await _api.GetFlightSeatsAsync(existing);
        using var client = app.CreateClient();

        var answers = new List<(HttpStatusCode, CompatMessage)>();
        foreach (var flight in new[] { existing, unknown })
        {
            var content = new StringContent("""{"seatNumber":"1A","name":"Ada"}""");
            content.Headers.ContentType = mediaType is null ? null : MediaTypeHeaderValue.Parse(mediaType);
            var response = await client.PostAsync($"/book-seat?flightId={flight}", content);
            answers.Add((response.StatusCode, (await response.Content.ReadFromJsonAsync<CompatMessage>())!));
        }

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.UnsupportedMediaType, 415), (answer.Item1, answer.Item2.Status)));
        var seats = (await _api.GetFlightSeatsAsync(existing)).Value;
        Assert.All(seats, seat => Assert.Null(seat.Occupant));
        Assert.False(await FlightExistsAsync(app, unknown));
    }
}

public sealed class SqliteCompatApiTests(BoxOfficeApp app) : CompatApiTests(app), IClassFixture<BoxOfficeApp>;

public sealed class PostgresCompatApiTests(PostgresBoxOfficeApp app) : CompatApiTests(app), IClassFixture<PostgresBoxOfficeApp>;

/// <summary>Per-client limits on, with the tutorial's default of ten new flights, in a window no test outlasts.</summary>
public sealed class FlightRateApp : BoxOfficeApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Limits:Enabled", "true");
        builder.UseSetting("Limits:FlightCreation:Permits", "10");
        builder.UseSetting("Limits:FlightCreation:WindowSeconds", "3600");
    }
}

public sealed class TutorialFlightRateTests(FlightRateApp app) : IClassFixture<FlightRateApp>
{
    [Fact]
    public async Task The_eleventh_new_flight_from_one_client_within_the_window_is_429_with_retry_after_and_existing_flights_cost_nothing()
    {
        using var api = app.CreateApiClient();
        var flights = Enumerable.Range(0, 11).Select(_ => CompatApiTests.NewFlightId()).ToArray();
        foreach (var flight in flights[..10])
            Assert.Equal(HttpStatusCode.OK, (await api.GetFlightSeatsAsync(flight)).Status);

        var eleventh = await api.GetFlightSeatsAsync(flights[10]);
        var refusedBooking = await api.BookFlightSeatAsync(flights[10], new CompatBookRequest("1A", "Ada"));
        var again = await api.GetFlightSeatsAsync(flights[0]);
        var booked = await CompatApiTests.BookSeat(api, flights[1], "1A", "Ada");

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.Status);
        Assert.Equal("application/problem+json", eleventh.MediaType);
        Assert.InRange(eleventh.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedBooking.Status);
        Assert.False(await CompatApiTests.FlightExistsAsync(app, flights[10]));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(HttpStatusCode.OK, booked.Status);
    }
}

/// <summary>Per-client limits on, room for three flights, and creation permits to spare.</summary>
public sealed class FlightBoundApp : BoxOfficeApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Limits:Enabled", "true");
        builder.UseSetting("Limits:FlightCreation:Permits", "1000");
        builder.UseSetting("Compat:MaxFlights", "3");
    }
}

public sealed class TutorialFlightBoundTests(FlightBoundApp app) : IClassFixture<FlightBoundApp>
{
    [Fact]
    public async Task Past_the_bound_the_oldest_flight_nobody_sits_on_makes_room_and_when_all_have_passengers_a_new_one_is_429()
    {
        using var api = app.CreateApiClient();
        var (first, second, third, fourth, fifth) =
            (CompatApiTests.NewFlightId('a'), CompatApiTests.NewFlightId('b'), CompatApiTests.NewFlightId('c'), CompatApiTests.NewFlightId('d'), CompatApiTests.NewFlightId('e'));
        foreach (var flight in new[] { first, second, third })
            Assert.Equal(HttpStatusCode.OK, (await api.GetFlightSeatsAsync(flight)).Status);
        await CompatApiTests.BookSeat(api, first, "1A", "Ada");
        await CompatApiTests.BookSeat(api, third, "1A", "Cy");

        var fourthAnswer = await api.GetFlightSeatsAsync(fourth);
        await CompatApiTests.BookSeat(api, fourth, "1A", "Di");
        var fifthAnswer = await api.GetFlightSeatsAsync(fifth);
        var secondAgain = await api.GetFlightSeatsAsync(second);
        var firstAgain = (await api.GetFlightSeatsAsync(first)).Value;

        Assert.Equal(HttpStatusCode.OK, fourthAnswer.Status);
        var exist = new List<bool>();
        foreach (var flight in new[] { first, second, third, fourth, fifth })
            exist.Add(await CompatApiTests.FlightExistsAsync(app, flight));
        Assert.Equal([true, false, true, true, false], exist);
        Assert.Equal(HttpStatusCode.TooManyRequests, fifthAnswer.Status);
        Assert.Equal("application/problem+json", fifthAnswer.MediaType);
        // The evicted flight's desk went with it: its id is a new flight now, and there is no room for one.
        Assert.Equal(HttpStatusCode.TooManyRequests, secondAgain.Status);
        Assert.Equal(new CompatSeat("1A", "Ada"), firstAgain[0]);
    }
}
