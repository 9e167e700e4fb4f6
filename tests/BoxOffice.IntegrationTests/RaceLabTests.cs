using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;

namespace BoxOffice.IntegrationTests;

/// <summary>The server with the race lab on, and a read-to-write gap wide enough that races are certain.</summary>
public sealed class LabApp : BoxOfficeApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Lab:Enabled", "true");
        builder.UseSetting("Lab:DelayMs", "20");
    }
}

public class RaceLabTests(LabApp app) : IClassFixture<LabApp>
{
    private const int Seats = 50;
    private const int Buyers = 80;

    private async Task<(int Created, int Conflicts, string EventId)> RushAsync(string mode)
    {
        using var admin = app.CreateAdminClient();
        var created = await admin.PostAsJsonAsync("/api/lab/events", new { seats = Seats });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var eventId = (await created.Content.ReadFromJsonAsync<LabResult>())!.EventId;
        using var client = app.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, Buyers).Select(i =>
            client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { $"Buyer {i}" }, mode })));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        return (responses.Count(r => r.StatusCode == HttpStatusCode.Created), responses.Count(r => r.StatusCode == HttpStatusCode.Conflict), eventId);
    }

    private async Task<LabResult> ResultAsync(string eventId)
    {
        using var admin = app.CreateAdminClient();
        return (await admin.GetFromJsonAsync<LabResult>($"/api/lab/events/{eventId}"))!;
    }

    [Fact]
    public async Task Naive_read_then_write_tells_buyers_they_won_seats_someone_else_took()
    {
        var (created, _, eventId) = await RushAsync("naive");

        var result = await ResultAsync(eventId);
        Assert.Equal(created, result.ToldSuccess);
        Assert.True(result.LostUpdates > 0, $"expected lost updates, got {result}");
        Assert.True(result.DoubleBookedSeats > 0, $"expected double-booked seats, got {result}");
        Assert.True(result.SeatsClaimed < result.ToldSuccess);
    }

    [Fact]
    public async Task Optimistic_checks_without_retry_turn_buyers_away_while_seats_are_left()
    {
        var (created, conflicts, eventId) = await RushAsync("occ");

        var result = await ResultAsync(eventId);
        Assert.Equal((0, 0), (result.LostUpdates, result.DoubleBookedSeats));
        Assert.Equal(created, result.SeatsClaimed);
        Assert.True(result.UnsoldSeats > 0 && conflicts > Buyers - Seats, $"expected unsold seats, got {result}");
    }

    [Fact]
    public async Task Locking_sells_every_seat_once()
    {
        var (created, conflicts, eventId) = await RushAsync("lock");

        var result = await ResultAsync(eventId);
        Assert.Equal((Seats, Buyers - Seats), (created, conflicts));
        Assert.Equal((Seats, 0, 0, 0), (result.SeatsClaimed, result.LostUpdates, result.DoubleBookedSeats, result.UnsoldSeats));
    }

    [Fact]
    public async Task The_desk_sells_every_seat_once_with_an_empty_audit()
    {
        var (created, conflicts, eventId) = await RushAsync("desk");

        using var admin = app.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit");
        Assert.Equal((Seats, Buyers - Seats), (created, conflicts));
        Assert.Equal((Seats, 0), (audit!.Counts["booked"], audit.Anomalies.Count));
    }

    [Fact]
    public async Task Lab_modes_are_refused_when_the_lab_is_off()
    {
        await using var plain = new BoxOfficeApp();
        var eventId = await plain.CreateEventAsync(new { template = "a320" });

        var response = await plain.CreateClient().PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { "Ada" }, mode = "naive" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
