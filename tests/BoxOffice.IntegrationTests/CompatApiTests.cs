using System.Net;
using System.Net.Http.Json;
using System.Text;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>The Durable Objects tutorial's routes, with its exact shapes.</summary>
public class CompatApiTests(BoxOfficeApp app) : IClassFixture<BoxOfficeApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private static string NewFlightId() => Random.Shared.Next(1000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(HttpStatusCode Status, CompatMessage Body)> BookSeat(string flightId, string json)
    {
        var response = await _client.PostAsync($"/book-seat?flightId={flightId}", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<CompatMessage>())!);
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
    public async Task A_passenger_who_books_again_moves_seat()
    {
        var flight = NewFlightId();

        await BookSeat(flight, """{"seatNumber":"1A","name":"Ada"}""");
        var moved = await BookSeat(flight, """{"seatNumber":"5F","name":"Ada"}""");

        Assert.Equal(HttpStatusCode.OK, moved.Status);
        var seats = await _client.GetFromJsonAsync<CompatSeat[]>($"/seats?flightId={flight}");
        Assert.Equal([new CompatSeat("5F", "Ada")], seats!.Where(s => s.Occupant is not null));
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
    public async Task A_missing_or_bad_flight_id_is_a_400_with_a_message(string url)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<CompatMessage>();
        Assert.Contains("flightId", body!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tutorial_flights_are_ordinary_events()
    {
        var flight = NewFlightId();
        await BookSeat(flight, """{"seatNumber":"2C","name":"Ada"}""");

        var map = await _client.GetFromJsonAsync<SeatMapView>($"/api/events/{flight}");

        Assert.Equal("booked", map!.Seats.Single(s => s.Label == "2C").Status);
    }
}
