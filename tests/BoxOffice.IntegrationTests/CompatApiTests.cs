using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;

namespace BoxOffice.IntegrationTests;

/// <summary>The Durable Objects tutorial's routes, with its exact shapes, on tutorial flights and nothing else.</summary>
public class CompatApiTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    /// <summary>Ids that sort in the order they are made, since flights made in the same millisecond are evicted in id order.</summary>
    internal static string NewFlightId(char first = 'f') => $"{first}-{Guid.NewGuid():N}"[..16];

    internal static async Task<(HttpStatusCode Status, CompatMessage Body)> BookSeat(HttpClient client, string flightId, string json)
    {
        var response = await client.PostAsync($"/book-seat?flightId={flightId}", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<CompatMessage>())!);
    }

    /// <summary>Rows the server committed, read from its database: tutorial bookings have no manage token to read them with.</summary>
    internal static long CountRows(BoxOfficeApp app, string sql, string eventId)
    {
        using var connection = app.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@event", eventId);
        return (long)command.ExecuteScalar()!;
    }

    internal static bool FlightExists(BoxOfficeApp app, string flightId) =>
        CountRows(app, "SELECT COUNT(*) FROM events WHERE id = @event", flightId) == 1;

    private Task<(HttpStatusCode Status, CompatMessage Body)> BookSeat(string flightId, string json) => BookSeat(_client, flightId, json);

    private async Task<string> CreateApiEventAsync(long price)
    {
        var id = $"api-{Guid.NewGuid():N}"[..16];
        using var admin = app.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/events", new
        {
            id,
            title = "Real show",
            layout = new { template = "a320" },
            prices = new Dictionary<string, long> { ["standard"] = price },
        });
        response.EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task An_unknown_flight_is_created_as_an_empty_a320()
    {
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={NewFlightId()}");

        Assert.Equal(60, seats!.Length);
        Assert.Equal(new CompatSeat("1A", null), seats[0]);
        Assert.Equal(new CompatSeat("10F", null), seats[^1]);
    }

    [Fact]
    public async Task Booking_a_seat_answers_like_the_tutorial()
    {
        var flight = NewFlightId();

        var booked = await BookSeat(flight, """{"seatNumber":"1A","name":"Ada"}""");
        var taken = await BookSeat(flight, """{"seatNumber":"1A","name":"Bob"}""");
        var unknown = await BookSeat(flight, """{"seatNumber":"42Q","name":"Bob"}""");

        Assert.Equal((HttpStatusCode.OK, new CompatMessage("Seat 1A booked successfully", 200)), booked);
        Assert.Equal((HttpStatusCode.Conflict, 409), (taken.Status, taken.Body.Status));
        Assert.Equal((HttpStatusCode.NotFound, 404), (unknown.Status, unknown.Body.Status));
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={flight}");
        Assert.Equal(new CompatSeat("1A", "Ada"), seats![0]);
    }

    [Fact]
    public async Task A_passenger_who_books_again_moves_seat_and_the_booking_left_behind_is_cancelled()
    {
        var flight = NewFlightId();

        await BookSeat(flight, """{"seatNumber":"1A","name":"Ada"}""");
        var moved = await BookSeat(flight, """{"seatNumber":"5F","name":"Ada"}""");

        Assert.Equal(HttpStatusCode.OK, moved.Status);
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={flight}");
        Assert.Equal([new CompatSeat("5F", "Ada")], seats!.Where(s => s.Occupant is not null));
        Assert.Equal(2, CountRows(app, "SELECT COUNT(*) FROM bookings WHERE event_id = @event", flight));
        Assert.Equal(1, CountRows(app, "SELECT COUNT(*) FROM bookings WHERE event_id = @event AND cancelled_at_ms IS NULL", flight));
        Assert.Equal(1, CountRows(app, "SELECT COUNT(*) FROM booking_seats WHERE event_id = @event AND released_at_ms IS NULL", flight));
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

        var (status, body) = await BookSeat(flight, json);

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
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<CompatMessage>();
        Assert.Contains("flightId", body!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flight_id_may_be_32_characters_and_begin_with_a_dash()
    {
        var flight = $"-{Guid.NewGuid():N}"[..32];

        var response = await _client.GetAsync($"/seats?flightId={flight}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1500)]
    public async Task The_tutorial_routes_do_not_find_an_api_event_and_never_show_its_names(long price)
    {
        var eventId = await CreateApiEventAsync(price);
        var seat = new { seat = "3C", name = "Grace Hopper" };
        var named = price == 0
            ? await _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { seats = new[] { seat } })
            : await CheckoutApp.CreateOrderAsync(_client, Guid.NewGuid().ToString(), new { eventId, seats = new[] { seat }, email = "grace@example.com" });
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);

        var seats = await _client.GetAsync($"/seats?flightId={eventId}");
        var booking = await BookSeat(eventId, """{"seatNumber":"4D","name":"Ada"}""");
        var socket = await _client.GetAsync($"/ws?flightId={eventId}");

        Assert.Equal(HttpStatusCode.NotFound, seats.StatusCode);
        Assert.DoesNotContain("Grace", await seats.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, new CompatMessage($"There is no flight {eventId}.", 404)), booking);
        Assert.Equal(HttpStatusCode.NotFound, socket.StatusCode);
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        Assert.NotEqual("available", map!.Seats.Single(s => s.Label == "3C").Status);
        Assert.Equal("available", map.Seats.Single(s => s.Label == "4D").Status);
    }

    [Theory]
    [InlineData("4D")]
    [InlineData("42Q")]
    public async Task Book_seat_on_a_paid_events_id_says_there_is_no_such_flight_never_that_the_seat_does_not_exist(string seat)
    {
        var eventId = await CreateApiEventAsync(price: 1500);

        var answer = await BookSeat(eventId, $$"""{"seatNumber":"{{seat}}","name":"Ada"}""");

        Assert.Equal((HttpStatusCode.NotFound, new CompatMessage($"There is no flight {eventId}.", 404)), answer);
    }

    [Fact]
    public async Task A_strangers_name_on_book_seat_never_moves_an_api_booking()
    {
        var eventId = await CreateApiEventAsync(price: 0);
        var grace = await BoxOfficeApp.ReadBooking(await _client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(("3C", "Grace Hopper"))));

        var stranger = await BookSeat(eventId, """{"seatNumber":"4D","name":"Grace Hopper"}""");

        Assert.Equal(HttpStatusCode.NotFound, stranger.Status);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{grace.Reference}") { Headers = { { "X-Manage-Token", grace.ManageToken } } };
        var view = await (await _client.SendAsync(request)).Content.ReadFromJsonAsync<BookingView>();
        Assert.Equal("confirmed", view!.Status);
        Assert.Equal([new BookedSeat("3C", "Grace Hopper")], view.Seats);
        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}");
        Assert.Equal(("booked", "available"), (map!.Seats.Single(s => s.Label == "3C").Status, map.Seats.Single(s => s.Label == "4D").Status));
    }

    [Fact]
    public async Task Tutorial_flights_are_reachable_only_through_the_tutorial_routes_and_the_staff_audit()
    {
        var flight = NewFlightId();
        await BookSeat(flight, """{"seatNumber":"2C","name":"Ada"}""");
        using var admin = app.CreateAdminClient();

        var map = await _client.GetAsync($"/api/events/{flight}");
        var booking = await _client.PostAsJsonAsync($"/api/events/{flight}/bookings", BoxOfficeApp.Seats(("3C", "Bob")));
        var live = await _client.GetAsync($"/api/events/{flight}/live");
        var order = await CheckoutApp.CreateOrderAsync(_client, Guid.NewGuid().ToString(), new { eventId = flight, seats = new[] { new { seat = "4C", name = "Cy" } }, email = "cy@example.com" });
        var audit = await admin.GetAsync($"/api/events/{flight}/audit");

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK],
            new[] { map.StatusCode, booking.StatusCode, live.StatusCode, order.StatusCode, audit.StatusCode });
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={flight}");
        Assert.Equal([new CompatSeat("2C", "Ada")], seats!.Where(s => s.Occupant is not null));
    }

    [Fact]
    public async Task Tutorial_flights_are_never_listed()
    {
        var flight = NewFlightId();
        await _client.GetAsync($"/seats?flightId={flight}");
        var eventId = await app.CreateEventAsync(new { template = "a320" });

        var listed = await _client.GetFromJsonAsync<EventSummary[]>("/api/events");

        Assert.Contains(listed!, e => e.Id == eventId);
        Assert.DoesNotContain(listed!, e => e.Id == flight);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task Book_seat_takes_only_json_and_anything_else_changes_nothing(string? mediaType)
    {
        var (existing, unknown) = (NewFlightId(), NewFlightId());
        await _client.GetAsync($"/seats?flightId={existing}");

        var answers = new List<(HttpStatusCode, CompatMessage)>();
        foreach (var flight in new[] { existing, unknown })
        {
            var content = new StringContent("""{"seatNumber":"1A","name":"Ada"}""");
            content.Headers.ContentType = mediaType is null ? null : MediaTypeHeaderValue.Parse(mediaType);
            var response = await _client.PostAsync($"/book-seat?flightId={flight}", content);
            answers.Add((response.StatusCode, (await response.Content.ReadFromJsonAsync<CompatMessage>())!));
        }

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.UnsupportedMediaType, 415), (answer.Item1, answer.Item2.Status)));
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={existing}");
        Assert.All(seats!, seat => Assert.Null(seat.Occupant));
        Assert.False(FlightExists(app, unknown));
    }
}

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
        using var client = app.CreateClient();
        var flights = Enumerable.Range(0, 11).Select(_ => CompatApiTests.NewFlightId()).ToArray();
        foreach (var flight in flights[..10])
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/seats?flightId={flight}")).StatusCode);

        var eleventh = await client.GetAsync($"/seats?flightId={flights[10]}");
        var refusedBooking = await client.PostAsync($"/book-seat?flightId={flights[10]}", new StringContent("""{"seatNumber":"1A","name":"Ada"}""", Encoding.UTF8, "application/json"));
        var again = await client.GetAsync($"/seats?flightId={flights[0]}");
        var booked = await CompatApiTests.BookSeat(client, flights[1], """{"seatNumber":"1A","name":"Ada"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Equal("application/problem+json", eleventh.Content.Headers.ContentType?.MediaType);
        Assert.InRange(eleventh.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedBooking.StatusCode);
        Assert.False(CompatApiTests.FlightExists(app, flights[10]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
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
        using var client = app.CreateClient();
        var (first, second, third, fourth, fifth) =
            (CompatApiTests.NewFlightId('a'), CompatApiTests.NewFlightId('b'), CompatApiTests.NewFlightId('c'), CompatApiTests.NewFlightId('d'), CompatApiTests.NewFlightId('e'));
        foreach (var flight in new[] { first, second, third })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/seats?flightId={flight}")).StatusCode);
        await CompatApiTests.BookSeat(client, first, """{"seatNumber":"1A","name":"Ada"}""");
        await CompatApiTests.BookSeat(client, third, """{"seatNumber":"1A","name":"Cy"}""");

        var fourthAnswer = await client.GetAsync($"/seats?flightId={fourth}");
        await CompatApiTests.BookSeat(client, fourth, """{"seatNumber":"1A","name":"Di"}""");
        var fifthAnswer = await client.GetAsync($"/seats?flightId={fifth}");
        var secondAgain = await client.GetAsync($"/seats?flightId={second}");
        var firstAgain = await client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={first}");

        Assert.Equal(HttpStatusCode.OK, fourthAnswer.StatusCode);
        Assert.Equal([true, false, true, true, false], new[] { first, second, third, fourth, fifth }.Select(flight => CompatApiTests.FlightExists(app, flight)));
        Assert.Equal(HttpStatusCode.TooManyRequests, fifthAnswer.StatusCode);
        Assert.Equal("application/problem+json", fifthAnswer.Content.Headers.ContentType?.MediaType);
        // The evicted flight's desk went with it: its id is a new flight now, and there is no room for one.
        Assert.Equal(HttpStatusCode.TooManyRequests, secondAgain.StatusCode);
        Assert.Equal(new CompatSeat("1A", "Ada"), firstAgain![0]);
    }
}
