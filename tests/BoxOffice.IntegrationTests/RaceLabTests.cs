using System.Net;
using System.Net.Http.Json;
using System.Text;
using BoxOffice.Client;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

public class RaceLabTests(LabApp app) : IClassFixture<LabApp>
{
    private const int Seats = LabApp.RunSeats;
    private const int Buyers = LabApp.RunBuyers;

    private async Task<LabStrategyResult> ResultAsync(string strategy)
    {
        var run = await app.Run;
        Assert.Equal("done", run.Status);
        return Assert.Single(run.Results, result => result.Strategy == strategy);
    }

    [Fact]
    public async Task A_run_rushes_every_strategy_in_turn_and_keeps_its_results()
    {
        var run = await app.Run;

        Assert.Equal(["naive", "occ", "lock", "desk"], run.Results.Select(result => result.Strategy));
        Assert.All(run.Results, result => Assert.Equal((Buyers, 0), (result.ToldSuccess + result.Refused, result.Errors)));
        using var api = app.CreateApiClient();
        var kept = (await api.GetLabRunAsync(run.Id)).Value;
        Assert.Equal((run.Status, run.Seats, run.Buyers, (string?)null), (kept.Status, kept.Seats, kept.Buyers, kept.Running));
        Assert.Equal(run.Results, kept.Results);
    }

    [Fact]
    public async Task Naive_read_then_write_tells_buyers_they_won_seats_someone_else_took()
    {
        var result = await ResultAsync("naive");

        Assert.True(result.LostUpdates > 0, $"expected lost updates, got {result}");
        Assert.True(result.DoubleBookedSeats > 0, $"expected double-booked seats, got {result}");
        Assert.True(result.SeatsClaimed < result.ToldSuccess);
        Assert.Equal(result.LostUpdates + result.DoubleBookedSeats, result.AuditAnomalies);
    }

    [Fact]
    public async Task Optimistic_checks_without_retry_turn_buyers_away_while_seats_are_left()
    {
        var result = await ResultAsync("occ");

        Assert.Equal((0, 0, 0), (result.LostUpdates, result.DoubleBookedSeats, result.AuditAnomalies));
        Assert.Equal(result.ToldSuccess, result.SeatsClaimed);
        Assert.True(result.UnsoldSeats > 0 && result.Refused > Buyers - Seats, $"expected unsold seats, got {result}");
    }

    [Fact]
    public async Task Locking_sells_every_seat_once()
    {
        var result = await ResultAsync("lock");

        Assert.Equal((Seats, Buyers - Seats), (result.ToldSuccess, result.Refused));
        Assert.Equal((Seats, 0, 0, 0, 0), (result.SeatsClaimed, result.LostUpdates, result.DoubleBookedSeats, result.UnsoldSeats, result.AuditAnomalies));
    }

    [Fact]
    public async Task The_desk_sells_every_seat_once_with_an_empty_audit()
    {
        var run = await app.Run;
        var result = await ResultAsync("desk");

        Assert.Equal((Seats, Buyers - Seats), (result.ToldSuccess, result.Refused));
        Assert.Equal((Seats, 0, 0, 0, 0), (result.SeatsClaimed, result.LostUpdates, result.DoubleBookedSeats, result.UnsoldSeats, result.AuditAnomalies));
        using var api = app.CreateApiClient();
        var audit = (await api.AuditAsync($"{run.Id}-desk")).Value;
        Assert.Equal((Seats, 0, 0), (audit.Counts["booked"], audit.Counts["available"], audit.Anomalies.Count));
    }

    [Fact]
    public async Task A_second_run_is_refused_while_one_is_under_way()
    {
        using var api = app.CreateApiClient();
        var first = await api.StartLabRunAsync(new StartLabRunRequest(Seats, Buyers));
        var second = await api.StartLabRunAsync(new StartLabRunRequest(1, 1));

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("application/problem+json", second.MediaType);
        var finished = await app.FollowAsync(first.Value.Id);
        Assert.Equal("done", finished.Status);
    }

    [Theory]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":0,\"buyers\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":201,\"buyers\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":10,\"buyers\":301}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":10,\"buyers\":-1}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":\"10\",\"buyers\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":1e309,\"buyers\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":99999999999999999999,\"buyers\":10}", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "{\"seats\":10,", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "null", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/lab/runs", "", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/lab/runs/lab-0000000000000", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/lab/runs/..%2F..%2Fetc", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/lab/runs/lab-0000000000000/progress", null, HttpStatusCode.NotFound)]
    public async Task Lab_routes_answer_bad_input_with_a_4xx_problem(string method, string path, string? body, HttpStatusCode expected)
    {
        using var admin = app.CreateAdminClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await admin.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Lab_routes_are_for_admins()
    {
        using var anonymous = app.CreateApiClient(adminToken: null);

        var response = await anonymous.StartLabRunAsync(new StartLabRunRequest(1, 1));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
    }

    [Fact]
    public async Task Lab_routes_do_not_exist_when_the_lab_is_off()
    {
        await using var plain = new BoxOfficeApp();
        using var api = plain.CreateApiClient();

        var response = await api.StartLabRunAsync(new StartLabRunRequest(1, 1));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    /// <summary>Unknown fields are ignored by every JSON body, so an old lab client's <c>"mode"</c> books at the desk like any booking.</summary>
    [Fact]
    public async Task The_booking_route_ignores_a_lab_mode_and_books_at_the_desk()
    {
        var eventId = await app.CreateEventAsync(Layouts.A320);

        var response = await app.CreateClient().PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { "Ada" }, mode = "naive" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var api = app.CreateApiClient();
        var audit = (await api.AuditAsync(eventId)).Value;
        Assert.Equal((1, 0), (audit.Counts["booked"], audit.Anomalies.Count));
    }
}
