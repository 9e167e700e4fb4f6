using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using BoxOffice.Contracts;
using BoxOffice.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>The fake gateway's buttons on a real Kestrel, where the server's own address is known.</summary>
public sealed class FakeGatewayTests : IAsyncLifetime
{
    private const string AdminToken = "gateway-admin-token-of-32-characters";
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"boxoffice-gateway-{Guid.NewGuid():N}.db");
    private ServerProcess? _server;

    public async ValueTask InitializeAsync() => _server = await ServerProcess.StartAsync(_databasePath, AdminToken);

    public async ValueTask DisposeAsync()
    {
        await _server!.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_databasePath + suffix);
    }

    [Fact]
    public async Task Pay_signs_the_outcome_and_posts_it_to_this_server_even_under_a_forged_host()
    {
        using var client = _server!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        await client.PostAsJsonAsync("/api/events", new { id = "gw", title = "Gateway", layout = new { template = "cinema", rows = 2, seatsPerRow = 4 }, prices = new { standard = 900 } });
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { eventId = "gw", seats = new[] { new { seat = "A1", name = "Ada" } }, email = "ada@example.com" }) };
        create.Headers.Add("Idempotency-Key", "gw-1");
        var order = (await (await client.SendAsync(create)).Content.ReadFromJsonAsync<OrderCreated>())!;

        // Somebody else's listener, named in the Host header: it must never receive a signed webhook.
        using var elsewhere = new TcpListener(IPAddress.Loopback, 0);
        elsewhere.Start();
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/payments/{CheckoutApp.PaymentId(order)}/decision") { Content = JsonContent.Create(new { outcome = "paid" }) };
        pay.Headers.Host = $"127.0.0.1:{((IPEndPoint)elsewhere.LocalEndpoint).Port}";
        var answer = await client.SendAsync(pay);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("paid", (await answer.Content.ReadFromJsonAsync<WebhookAnswer>())!.Status);
        Assert.False(elsewhere.Pending());
        var bad = await client.PostAsJsonAsync($"/api/payments/{CheckoutApp.PaymentId(order)}/decision", new { outcome = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
