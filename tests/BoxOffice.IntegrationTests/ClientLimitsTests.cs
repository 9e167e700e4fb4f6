using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts;

namespace BoxOffice.IntegrationTests;

/// <summary>One client cannot hoard an event's inventory, however many requests it sends at once.</summary>
public sealed class HoardingTests : IAsyncLifetime
{
    private readonly LimitedApp _app = new(new Dictionary<string, string> { ["Checkout:HoldSeconds"] = "600" });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Fifty_parallel_orders_from_one_client_open_exactly_two_and_another_client_still_buys()
    {
        var eventId = await _app.CreatePaidEventAsync();
        using var hoarder = _app.CreateClient("198.51.100.7");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            OrderAsync(hoarder, $"hoard-{i}", new { eventId, count = 2, names = new[] { "A", "B" }, email = "h@example.com" })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToArray();
        Assert.Equal(48, refused.Length);
        var problem = await refused[0].Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal("open_orders_per_client", problem!["limit"].ToString());
        Assert.Equal(4, (await AuditAsync(eventId)).Counts["held"]);

        using var other = _app.CreateClient("198.51.100.8");
        var theirs = await OrderAsync(other, "other-1", new { eventId, count = 2, names = new[] { "C", "D" }, email = "o@example.com" });
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
    }

    [Fact]
    public async Task A_lapsed_order_gives_the_client_its_place_back()
    {
        var eventId = await _app.CreatePaidEventAsync();
        using var buyer = _app.CreateClient("198.51.100.9");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await OrderAsync(buyer, $"lapse-{i}", new { eventId, count = 1, names = new[] { "A" }, email = "a@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await OrderAsync(buyer, "lapse-2", new { eventId, count = 1, names = new[] { "A" }, email = "a@example.com" })).StatusCode);

        _app.Time.Advance(TimeSpan.FromSeconds(601));

        Assert.Equal(HttpStatusCode.Created, (await OrderAsync(buyer, "lapse-3", new { eventId, count = 1, names = new[] { "A" }, email = "a@example.com" })).StatusCode);
    }

    [Fact]
    public async Task An_order_of_more_seats_than_the_limit_is_refused_and_holds_nothing()
    {
        var eventId = await _app.CreatePaidEventAsync();
        using var buyer = _app.CreateClient("198.51.100.10");

        var response = await OrderAsync(buyer, "big", new { eventId, count = 11, names = Enumerable.Range(0, 11).Select(i => $"N{i}").ToArray(), email = "b@example.com" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await AuditAsync(eventId)).Counts["held"]);
    }

    [Fact]
    public async Task Fifty_parallel_bookings_from_one_client_on_a_free_event_book_exactly_ten_seats()
    {
        var eventId = await _app.CreateEventAsync(new { template = "cinema", rows = 6, seatsPerRow = 10 });
        using var hoarder = _app.CreateClient("203.0.113.50");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            hoarder.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { $"Guest {i}" } })));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(10, (await AuditAsync(eventId)).Counts["booked"]);

        using var other = _app.CreateClient("203.0.113.51");
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 2, names = new[] { "X", "Y" } })).StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_booking_frees_the_clients_seats_for_another_booking()
    {
        var eventId = await _app.CreateEventAsync(new { template = "cinema", rows = 6, seatsPerRow = 10 });
        using var buyer = _app.CreateClient("203.0.113.60");
        var first = await BoxOfficeApp.ReadBooking(await buyer.PostAsJsonAsync($"/api/events/{eventId}/bookings",
            new { count = 10, names = Enumerable.Range(0, 10).Select(i => $"G{i}").ToArray() }));
        Assert.Equal(HttpStatusCode.Conflict, (await buyer.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { "One more" } })).StatusCode);

        using var cancel = new HttpRequestMessage(HttpMethod.Delete, $"/api/bookings/{first.Reference}") { Headers = { { "X-Manage-Token", first.ManageToken } } };
        Assert.Equal(HttpStatusCode.NoContent, (await buyer.SendAsync(cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await buyer.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { "One more" } })).StatusCode);
    }

    private static Task<HttpResponseMessage> OrderAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<EventAudit> AuditAsync(string eventId)
    {
        using var admin = _app.CreateAdminClient();
        return (await admin.GetFromJsonAsync<EventAudit>($"/api/events/{eventId}/audit"))!;
    }
}

/// <summary>Per-client rate limits answer 429 with Retry-After and let the client back in once the window passes.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Writes_over_the_limit_get_429_with_retry_after_then_recover_and_other_clients_are_unaffected()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { ["Limits:Writes:Permits"] = "3", ["Limits:Writes:WindowSeconds"] = "1" });
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 6, seatsPerRow = 10 });
        using var client = app.CreateClient("192.0.2.1");
        Task<HttpResponseMessage> Book(HttpClient c, string name) => c.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { name } });

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await Book(client, $"Guest {i}")).StatusCode);
        var limited = await Book(client, "Guest 3");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var retryAfter = limited.Headers.RetryAfter?.Delta ?? throw new InvalidOperationException("Retry-After is missing.");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var other = app.CreateClient("192.0.2.2");
        Assert.Equal(HttpStatusCode.Created, (await Book(other, "Someone else")).StatusCode);
        Assert.Equal(4, (await app.CreateClient().GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}"))!.Counts["booked"]);

        // The rate limiter keeps its own monotonic clock (System.Threading.RateLimiting takes no TimeProvider), so this waits the window out.
        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.Created, (await Book(client, "Guest 4")).StatusCode);
    }

    [Fact]
    public async Task Repeated_admin_failures_lock_the_client_out_even_with_the_right_token_until_the_window_passes()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { ["Limits:AdminFailures:Permits"] = "3", ["Limits:AdminFailures:WindowSeconds"] = "1" });
        using var guesser = app.CreateClient("192.0.2.9");
        Task<HttpResponseMessage> Audit(string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/events/nope/audit");
            request.Headers.Authorization = new("Bearer", token);
            return guesser.SendAsync(request);
        }

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await Audit($"guess-{i}")).StatusCode);
        var locked = await Audit(BoxOfficeApp.AdminToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
        using var admin = app.CreateClient("192.0.2.10");
        admin.DefaultRequestHeaders.Authorization = new("Bearer", BoxOfficeApp.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/events/nope/audit")).StatusCode);

        await Task.Delay(locked.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.NotFound, (await Audit(BoxOfficeApp.AdminToken)).StatusCode);
    }
}

/// <summary>A client is its address; behind a proxy, the forwarded address, but only from a proxy the server was told to trust.</summary>
public sealed class ClientAddressTests
{
    private const string OneSeatEach = "Limits:SeatsPerClient";

    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_address_is_its_own_client()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { [OneSeatEach] = "1", ["Clients:KnownProxies:0"] = "10.0.0.5" });
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 2, seatsPerRow = 10 });

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created], await BookThroughProxyAsync(app, eventId, "10.0.0.5"));
    }

    [Fact]
    public async Task A_forwarded_header_from_an_unknown_address_is_ignored()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { [OneSeatEach] = "1" });
        var eventId = await app.CreateEventAsync(new { template = "cinema", rows = 2, seatsPerRow = 10 });

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], await BookThroughProxyAsync(app, eventId, "10.0.0.5"));
    }

    private static async Task<HttpStatusCode[]> BookThroughProxyAsync(LimitedApp app, string eventId, string proxy)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var forwardedFor in new[] { "198.51.100.1", "198.51.100.2" })
        {
            using var client = app.CreateClient(proxy);
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            statuses.Add((await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", new { count = 1, names = new[] { forwardedFor } })).StatusCode);
        }
        return [.. statuses];
    }
}
