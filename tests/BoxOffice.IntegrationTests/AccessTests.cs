using System.Net;
using System.Net.Http.Json;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.IntegrationTests;

/// <summary>Staff routes need the admin token; a booking or an order is visible only with its own manage token.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    // The race lab is on so its staff routes are among those knocked on.
    private readonly LabApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Every_admin_route_answers_401_without_a_token_or_with_a_wrong_one_and_changes_nothing()
    {
        var adminRoutes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null)
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(method => (Method: method, Path: "/" + endpoint.RoutePattern.RawText!.Trim('/').Replace("{id}", "victim", StringComparison.Ordinal).Replace("{email}", "victim@example.com", StringComparison.Ordinal))))
            .ToArray();
        var eventId = await _app.CreateEventAsync(new { template = "a320" }, "victim");
        using var client = _app.CreateClient();

        Assert.Contains(adminRoutes, route => route is { Method: "POST", Path: "/api/events" });
        Assert.Contains(adminRoutes, route => route.Path == "/api/events/victim/audit");
        foreach (var (method, path) in adminRoutes)
        {
            foreach (var authorization in new[] { null, "Bearer wrong-token-of-at-least-thirty-two-chars", "Basic YWRtaW46YWRtaW4=", "Bearer " })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { id = "intruder", title = "x", layout = new { template = "a320" } }) };
                if (authorization is not null)
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with '{authorization}' answered {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.DoesNotContain(await client.GetFromJsonAsync<EventSummary[]>("/api/events") ?? [], e => e.Id == "intruder");
        Assert.Equal(eventId, (await client.GetFromJsonAsync<SeatMapView>($"/api/events/{eventId}"))!.Id);
    }

    [Fact]
    public async Task A_booking_is_hidden_and_kept_from_anyone_holding_another_bookings_token()
    {
        var eventId = await _app.CreateEventAsync(new { template = "a320" });
        using var client = _app.CreateClient();
        var mine = await BoxOfficeApp.ReadBooking(await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(("1A", "Ada"))));
        var theirs = await BoxOfficeApp.ReadBooking(await client.PostAsJsonAsync($"/api/events/{eventId}/bookings", BoxOfficeApp.Seats(("2A", "Bob"))));

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, $"/api/bookings/{theirs.Reference}") { Headers = { { "X-Manage-Token", mine.ManageToken } } };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var owner = new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{theirs.Reference}") { Headers = { { "X-Manage-Token", theirs.ManageToken } } };
        Assert.Equal("confirmed", (await (await client.SendAsync(owner)).Content.ReadFromJsonAsync<BookingView>())!.Status);
    }

    [Fact]
    public async Task An_order_is_hidden_from_anyone_holding_another_orders_token()
    {
        using var admin = _app.CreateAdminClient();
        var eventId = $"paid-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/api/events", new { id = eventId, title = "Paid", layout = new { template = "a320" }, prices = new { standard = 900 } })).EnsureSuccessStatusCode();
        var mine = await OrderAsync(admin, eventId, "mine");
        var theirs = await OrderAsync(admin, eventId, "theirs");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{theirs.OrderId}") { Headers = { { "X-Manage-Token", mine.ManageToken } } };
        using var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("theirs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<OrderCreated> OrderAsync(HttpClient client, string eventId, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { eventId, count = 1, names = new[] { name }, email = $"{name}@example.com" }),
            Headers = { { "Idempotency-Key", name } },
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderCreated>())!;
    }
}
