using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Server.Door;
using BoxOffice.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>Door check-in on a real server, run against each database: the database's unique key is what admits a ticket once.</summary>
public abstract class DoorTests(BoxOfficeApp app)
{
    protected BoxOfficeApp App => app;

    /// <summary>Changes an order's state behind the server's back, as a cancellation or refund would.</summary>
    protected Task SetOrderStateAsync(string orderId, string state) =>
        app.Database.ScalarAsync($"UPDATE orders SET state = '{state}' WHERE order_id = '{orderId}'");

    private Task<string> PaidEventAsync() => app.CreateEventAsync(Layouts.Cinema(2, 10), price: 1500);

    /// <summary>A paid event and a ticketed order of <paramref name="seats"/> on it.</summary>
    protected async Task<(string EventId, OrderView Order)> TicketedOrderAsync(params string[] seats)
    {
        var eventId = await PaidEventAsync();
        using var api = app.CreateApiClient();
        var created = (await api.CreateOrderAsync(
            new CreateOrderRequest(eventId, [.. seats.Select(seat => new SeatRequest(seat, $"Guest {seat}"))], null, null, null, null, "guest@example.com"),
            Guid.NewGuid().ToString("N"))).Created();
        var link = PaymentLink.Of(created);
        (await api.DecidePaymentAsync(link.PaymentId, "paid", link.Key)).EnsureSuccess();
        return (eventId, await CheckoutApp.WaitForStatusAsync(api, created, "ticketed"));
    }

    protected static async Task<CheckinAnswer> ScanAsync(HttpClient door, string eventId, string code, string gate = "Main")
    {
        using var response = await door.PostAsJsonAsync("/api/checkin", new { eventId, code, gate });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CheckinAnswer>())!;
    }

    [Fact]
    public async Task Fifty_concurrent_scans_of_one_ticket_from_several_gates_admit_it_exactly_once()
    {
        var (eventId, order) = await TicketedOrderAsync("A1");
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => ScanAsync(door, eventId, order.Tickets[0].Code, $"Gate {i % 4}")));

        var admitted = Assert.Single(answers, a => a.Result == "admitted");
        Assert.Equal(49, answers.Count(a => a.Result == "already_admitted"));
        Assert.All(answers, a => Assert.Equal(("A1", "Guest A1", admitted.Gate, admitted.AdmittedAt), (a.Seat, a.Name, a.Gate, a.AdmittedAt)));
        var counts = (await door.GetFromJsonAsync<AdmissionCounts>($"/api/events/{eventId}/checkin/counts"))!;
        Assert.Equal((1, admitted.Gate!, 1), (counts.Admitted, counts.Gates.Single().Gate, counts.Gates.Single().Admitted));
    }

    [Fact]
    public async Task A_forged_or_altered_code_is_refused_and_admits_nobody()
    {
        var (eventId, order) = await TicketedOrderAsync("A1");
        var code = order.Tickets[0].Code;
        var genuine = TicketCodes.Verify(code, await PublicKeyAsync(eventId))!;
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = TicketCodes.Sign(genuine, forger);
        var altered = code[..20] + (code[20] == 'A' ? 'B' : 'A') + code[21..];
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        var answers = new[] { await ScanAsync(door, eventId, forged), await ScanAsync(door, eventId, altered) };

        Assert.All(answers, a => Assert.Equal(("refused", null), (a.Result, a.AdmittedAt)));
        Assert.All(answers, a => Assert.False(string.IsNullOrEmpty(a.Reason)));
        Assert.Equal("admitted", (await ScanAsync(door, eventId, code)).Result);
    }

    [Fact]
    public async Task A_ticket_of_a_cancelled_order_is_refused_with_the_reason_and_is_on_the_revocation_list()
    {
        var (eventId, order) = await TicketedOrderAsync("A1", "A2");
        await SetOrderStateAsync(order.OrderId, "cancelled");
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        var answer = await ScanAsync(door, eventId, order.Tickets[0].Code);

        Assert.Equal(("refused", "The order of this ticket is cancelled.", null), (answer.Result, answer.Reason, answer.AdmittedAt));
        var revoked = (await door.GetFromJsonAsync<RevokedTickets>($"/api/events/{eventId}/checkin/revoked"))!;
        var key = await PublicKeyAsync(eventId);
        Assert.Equal(order.Tickets.Select(t => TicketCodes.Verify(t.Code, key)!.TicketId).Order(), revoked.TicketIds);
        Assert.Equal(0, (await door.GetFromJsonAsync<AdmissionCounts>($"/api/events/{eventId}/checkin/counts"))!.Admitted);
    }

    [Fact]
    public async Task A_ticket_for_another_event_is_the_wrong_event_and_stays_valid_for_its_own()
    {
        var (eventId, order) = await TicketedOrderAsync("A1");
        var otherEvent = await PaidEventAsync();
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);

        var elsewhere = await ScanAsync(door, otherEvent, order.Tickets[0].Code);

        Assert.Equal(("wrong_event", "A1"), (elsewhere.Result, elsewhere.Seat));
        Assert.Contains(eventId, elsewhere.Reason, StringComparison.Ordinal);
        Assert.Equal("admitted", (await ScanAsync(door, eventId, order.Tickets[0].Code)).Result);
    }

    [Fact]
    public async Task Offline_scans_uploaded_later_resolve_to_the_earliest_scan()
    {
        var (eventId, order) = await TicketedOrderAsync("A1", "A2");
        using var door = await app.CreateStaffClientAsync(StaffRoles.Door);
        var online = await ScanAsync(door, eventId, order.Tickets[0].Code, "Main");
        var before = online.AdmittedAt!.Value.AddMinutes(-5);

        using var response = await door.PostAsJsonAsync("/api/checkin/batch", new
        {
            eventId,
            scans = new object[]
            {
                new { code = order.Tickets[1].Code, gate = "Side", scannedAt = before.AddMinutes(1) },
                new { code = order.Tickets[0].Code, gate = "Side", scannedAt = before },
                new { code = order.Tickets[1].Code, gate = "Back", scannedAt = before },
            },
        });

        var results = (await response.Content.ReadFromJsonAsync<CheckinBatchAnswer>())!.Results;
        Assert.Equal(["already_admitted", "admitted", "admitted"], results.Select(r => r.Result));
        Assert.Equal(("Back", before), (results[0].Gate, results[0].AdmittedAt));
        Assert.Equal(("Side", before), (results[1].Gate, results[1].AdmittedAt));
        var again = await ScanAsync(door, eventId, order.Tickets[0].Code, "Main");
        Assert.Equal(("already_admitted", "Side", before), (again.Result, again.Gate, again.AdmittedAt));
    }

    protected async Task<ECDsa> PublicKeyAsync(string eventId)
    {
        using var client = app.CreateClient();
        var published = (await client.GetFromJsonAsync<CheckinKey>($"/api/events/{eventId}/checkin-key"))!;
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(published.PublicKey), out _);
        return key;
    }
}

public sealed class SqliteDoorTests(BoxOfficeApp app) : DoorTests(app), IClassFixture<BoxOfficeApp>
{
    [Fact]
    public async Task The_published_key_verifies_the_codes_on_an_orders_tickets_and_their_qr_codes_carry_them()
    {
        var (eventId, order) = await TicketedOrderAsync("B1", "B2");
        using var key = await PublicKeyAsync(eventId);

        var tickets = order.Tickets.Select(t => TicketCodes.Verify(t.Code, key)).ToArray();

        Assert.Equal([(eventId, "B1", 1), (eventId, "B2", 2)], tickets.Select(t => (t!.EventId, t.Seat, t.Serial)));
        Assert.Equal(2, tickets.Select(t => t!.TicketId).Distinct().Count());
        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/events/no-such-event/checkin-key")).StatusCode);
    }

    [Theory]
    [InlineData(StaffRoles.BoxOffice, HttpStatusCode.Forbidden)]
    [InlineData(StaffRoles.Admin, HttpStatusCode.OK)]
    public async Task Door_routes_are_for_door_staff_and_admins_only(string role, HttpStatusCode expected)
    {
        var (eventId, order) = await TicketedOrderAsync("B4");
        using var staff = await App.CreateStaffClientAsync(role);

        using var scan = await staff.PostAsJsonAsync("/api/checkin", new { eventId, code = order.Tickets[0].Code, gate = "Main" });
        using var counts = await staff.GetAsync($"/api/events/{eventId}/checkin/counts");

        Assert.Equal((expected, expected), (scan.StatusCode, counts.StatusCode));
    }

    [Fact]
    public async Task A_camera_frame_of_a_tickets_qr_code_decodes_to_its_code()
    {
        var (_, order) = await TicketedOrderAsync("B3");
        using var door = await App.CreateStaffClientAsync(StaffRoles.Door);

        using var frame = new ByteArrayContent(QrFrame.Grey(order.Tickets[0].Code, 640, 480));
        frame.Headers.ContentType = new("application/octet-stream");
        using var decoded = await door.PostAsync("/api/checkin/decode?width=640&height=480", frame);
        using var blank = new ByteArrayContent(new byte[64 * 64]);
        blank.Headers.ContentType = new("application/octet-stream");
        using var nothing = await door.PostAsync("/api/checkin/decode?width=64&height=64", blank);

        Assert.Equal(order.Tickets[0].Code, (await decoded.Content.ReadFromJsonAsync<DecodedFrame>())!.Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothing.StatusCode);
    }

    [Theory]
    [InlineData("/api/checkin", """{"code":"ABC","gate":"Main"}""")]
    [InlineData("/api/checkin", """{"eventId":"show","code":"ABC","gate":""}""")]
    [InlineData("/api/checkin", """{"eventId":"show","code":"ABC","gate":"0123456789012345678901234567890123456789X"}""")]
    [InlineData("/api/checkin", """{"eventId":"show","code":"ABC","gate":"Main\u0007"}""")]
    [InlineData("/api/checkin", """{"eventId":"show","gate":"Main"}""")]
    [InlineData("/api/checkin", """{"eventId":"show","code":42,"gate":"Main"}""")]
    [InlineData("/api/checkin/batch", """{"eventId":"show","scans":[]}""")]
    [InlineData("/api/checkin/batch", """{"eventId":"show","scans":[{"code":"ABC","gate":"Main"}]}""")]
    [InlineData("/api/checkin/batch", """{"eventId":"show","scans":[null]}""")]
    public async Task A_malformed_scan_is_a_400_problem(string path, string body)
    {
        using var door = await App.CreateStaffClientAsync(StaffRoles.Door);

        using var response = await door.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("width=640&height=480", 100)]
    [InlineData("width=4096&height=4096", 100)]
    [InlineData("height=480", 100)]
    public async Task A_frame_of_the_wrong_size_is_a_400_problem(string query, int bytes)
    {
        using var door = await App.CreateStaffClientAsync(StaffRoles.Door);
        using var body = new ByteArrayContent(new byte[bytes]);
        body.Headers.ContentType = new("application/octet-stream");

        using var response = await door.PostAsync($"/api/checkin/decode?{query}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class PostgresDoorTests(PostgresBoxOfficeApp app) : DoorTests(app), IClassFixture<PostgresBoxOfficeApp>;
