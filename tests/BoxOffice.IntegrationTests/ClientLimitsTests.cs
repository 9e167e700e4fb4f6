using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;
using static BoxOffice.IntegrationTests.TestEvents;

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
        var eventId = await CreatePaidEventAsync();
        using var hoarder = _app.CreateApiClientFrom("198.51.100.7");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            hoarder.CreateOrderAsync(BestOrder(eventId, ["A", "B"], "h@example.com"), $"hoard-{i}")));

        Assert.Equal(2, responses.Count(r => r.Status == HttpStatusCode.Created));
        var refused = responses.Where(r => r.Status == HttpStatusCode.Conflict).ToArray();
        Assert.Equal(48, refused.Length);
        Assert.Equal("open_orders_per_client", refused[0].ProblemMember("limit").GetString());
        Assert.Equal(4, (await AuditAsync(eventId)).Counts["held"]);

        using var other = _app.CreateApiClientFrom("198.51.100.8");
        var theirs = await other.CreateOrderAsync(BestOrder(eventId, ["C", "D"], "o@example.com"), "other-1");
        Assert.Equal(HttpStatusCode.Created, theirs.Status);
    }

    [Fact]
    public async Task A_lapsed_order_gives_the_client_its_place_back()
    {
        var eventId = await CreatePaidEventAsync();
        using var buyer = _app.CreateApiClientFrom("198.51.100.9");
        var order = BestOrder(eventId, ["A"], "a@example.com");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await buyer.CreateOrderAsync(order, $"lapse-{i}")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await buyer.CreateOrderAsync(order, "lapse-2")).Status);

        _app.Time.Advance(TimeSpan.FromSeconds(601));

        Assert.Equal(HttpStatusCode.Created, (await buyer.CreateOrderAsync(order, "lapse-3")).Status);
    }

    [Fact]
    public async Task An_order_of_more_seats_than_the_limit_is_refused_and_holds_nothing()
    {
        var eventId = await CreatePaidEventAsync();
        using var buyer = _app.CreateApiClientFrom("198.51.100.10");

        var response = await buyer.CreateOrderAsync(BestOrder(eventId, [.. Enumerable.Range(0, 11).Select(i => $"N{i}")], "b@example.com"), "big");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(0, (await AuditAsync(eventId)).Counts["held"]);
    }

    [Fact]
    public async Task Fifty_parallel_bookings_from_one_client_on_a_free_event_book_exactly_ten_seats()
    {
        var eventId = await _app.CreateEventAsync(Layouts.Cinema(6, 10));
        using var hoarder = _app.CreateApiClientFrom("203.0.113.50");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => hoarder.BookAsync(eventId, Best($"Guest {i}"))));

        Assert.Equal(10, responses.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(40, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal(10, (await AuditAsync(eventId)).Counts["booked"]);

        using var other = _app.CreateApiClientFrom("203.0.113.51");
        Assert.Equal(HttpStatusCode.Created, (await other.BookAsync(eventId, Best("X", "Y"))).Status);
    }

    [Fact]
    public async Task Cancelling_a_booking_frees_the_clients_seats_for_another_booking()
    {
        var eventId = await _app.CreateEventAsync(Layouts.Cinema(6, 10));
        using var buyer = _app.CreateApiClientFrom("203.0.113.60");
        var first = (await buyer.BookAsync(eventId, Best([.. Enumerable.Range(0, 10).Select(i => $"G{i}")]))).Created();
        Assert.Equal(HttpStatusCode.Conflict, (await buyer.BookAsync(eventId, Best("One more"))).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await buyer.CancelBookingAsync(first.Reference, first.ManageToken)).Status);

        Assert.Equal(HttpStatusCode.Created, (await buyer.BookAsync(eventId, Best("One more"))).Status);
    }

    private Task<string> CreatePaidEventAsync() => _app.CreateEventAsync(Layouts.Cinema(10, 10), price: 1500);

    private static CreateOrderRequest BestOrder(string eventId, string[] names, string email) => new(eventId, null, names.Length, names, null, null, email);

    private async Task<EventAudit> AuditAsync(string eventId)
    {
        using var admin = _app.CreateApiClient();
        return (await admin.AuditAsync(eventId)).Value;
    }
}

/// <summary>Per-client rate limits answer 429 with Retry-After and let the client back in once the window passes.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Writes_over_the_limit_get_429_with_retry_after_then_recover_and_other_clients_are_unaffected()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { ["Limits:Writes:Permits"] = "3", ["Limits:Writes:WindowSeconds"] = "1" });
        var eventId = await app.CreateEventAsync(Layouts.Cinema(6, 10));
        using var client = app.CreateApiClientFrom("192.0.2.1");
        Task<ApiResult<BookingResponse>> Book(BoxOfficeClient c, string name) => c.BookAsync(eventId, Best(name));

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await Book(client, $"Guest {i}")).Status);
        var limited = await Book(client, "Guest 3");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("application/problem+json", limited.MediaType);
        var retryAfter = limited.RetryAfter ?? throw new InvalidOperationException("Retry-After is missing.");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var other = app.CreateApiClientFrom("192.0.2.2");
        Assert.Equal(HttpStatusCode.Created, (await Book(other, "Someone else")).Status);
        using var anyone = app.CreateApiClient();
        Assert.Equal(4, (await anyone.GetSeatMapAsync(eventId)).Value.Counts["booked"]);

        // The rate limiter keeps its own monotonic clock (System.Threading.RateLimiting takes no TimeProvider), so this waits the window out.
        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.Created, (await Book(client, "Guest 4")).Status);
    }

    [Fact]
    public async Task Repeated_admin_failures_lock_the_client_out_even_with_the_right_token_until_the_window_passes()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { ["Limits:AdminFailures:Permits"] = "3", ["Limits:AdminFailures:WindowSeconds"] = "1" });
        async Task<ApiResult<EventAudit>> Audit(string token)
        {
            using var guesser = new BoxOfficeClient(app.CreateClient("192.0.2.9"), token);
            return await guesser.AuditAsync("nope");
        }

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await Audit($"guess-{i}")).Status);
        var locked = await Audit(BoxOfficeApp.AdminToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        Assert.NotNull(locked.RetryAfter);
        using var admin = app.CreateApiClientFrom("192.0.2.10");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.AuditAsync("nope")).Status);

        await Task.Delay(locked.RetryAfter!.Value + TimeSpan.FromMilliseconds(100));
        Assert.Equal(HttpStatusCode.NotFound, (await Audit(BoxOfficeApp.AdminToken)).Status);
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
        var eventId = await app.CreateEventAsync(Layouts.Cinema(2, 10));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created], await BookThroughProxyAsync(app, eventId, "10.0.0.5"));
    }

    [Fact]
    public async Task A_forwarded_header_from_an_unknown_address_is_ignored()
    {
        await using var app = new LimitedApp(new Dictionary<string, string> { [OneSeatEach] = "1" });
        var eventId = await app.CreateEventAsync(Layouts.Cinema(2, 10));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], await BookThroughProxyAsync(app, eventId, "10.0.0.5"));
    }

    private static async Task<HttpStatusCode[]> BookThroughProxyAsync(LimitedApp app, string eventId, string proxy)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var forwardedFor in new[] { "198.51.100.1", "198.51.100.2" })
        {
            var http = app.CreateClient(proxy);
            http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            using var client = new BoxOfficeClient(http);
            statuses.Add((await client.BookAsync(eventId, Best(forwardedFor))).Status);
        }
        return [.. statuses];
    }
}
