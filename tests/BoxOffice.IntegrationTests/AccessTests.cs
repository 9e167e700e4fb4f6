using System.Net;
using System.Net.Http.Json;
using BoxOffice.Client;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static BoxOffice.IntegrationTests.TestEvents;

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
        var eventId = await _app.CreateEventAsync(Layouts.A320, id: "victim");
        using var client = _app.CreateClient();
        using var api = _app.CreateApiClient(adminToken: null);

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
        Assert.DoesNotContain((await api.ListEventsAsync()).Value, e => e.Id == "intruder");
        Assert.Equal(eventId, (await api.GetSeatMapAsync(eventId)).Value.Id);
    }

    [Fact]
    public async Task A_booking_is_hidden_and_kept_from_anyone_holding_another_bookings_token()
    {
        var eventId = await _app.CreateEventAsync(Layouts.A320);
        using var api = _app.CreateApiClient();
        var mine = (await api.BookAsync(eventId, Seats(("1A", "Ada")))).Created();
        var theirs = (await api.BookAsync(eventId, Seats(("2A", "Bob")))).Created();

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetBookingAsync(theirs.Reference, mine.ManageToken)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.CancelBookingAsync(theirs.Reference, mine.ManageToken)).Status);
        Assert.Equal("confirmed", (await api.GetBookingAsync(theirs.Reference, theirs.ManageToken)).Value.Status);
    }

    [Fact]
    public async Task An_order_is_hidden_from_anyone_holding_another_orders_token()
    {
        using var api = _app.CreateApiClient();
        var eventId = await _app.CreateEventAsync(Layouts.A320, price: 900);
        var mine = await OrderAsync(api, eventId, "mine");
        var theirs = await OrderAsync(api, eventId, "theirs");

        var response = await api.GetOrderAsync(theirs.OrderId, mine.ManageToken);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.DoesNotContain("theirs", response.Text, StringComparison.Ordinal);
    }

    private static async Task<OrderCreated> OrderAsync(BoxOfficeClient api, string eventId, string name) =>
        (await api.CreateOrderAsync(new CreateOrderRequest(eventId, null, 1, [name], null, null, $"{name}@example.com"), name)).Created();
}
