using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BoxOffice.Contracts;
using BoxOffice.Testing;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// Hundreds of generated malformed and hostile requests against every public route of a real server:
/// each gets a 4xx problem, none a 5xx, and the database is exactly as it was before. Every request is
/// built to fail for a reason of its own while its target would refuse it anyway (a sold-out event,
/// an unknown payment), so one that slipped through validation still could not change anything.
/// </summary>
public abstract class HostileInputTests
{
    protected const string AdminToken = "hostile-input-admin-token-32-chars";
    private static readonly string[] Tables = ["events", "seats", "bookings", "booking_seats", "orders", "payment_events", "tickets"];

    private const string WebhookSecret = "hostile-input-webhook-secret";

    protected static readonly Dictionary<string, string> Settings = new() { ["Payments:WebhookSecret"] = WebhookSecret };

    protected abstract Task<ServerProcess> StartAsync();

    /// <summary>The server's database, read around it for the snapshots.</summary>
    protected abstract ITestDatabase Database { get; }

    [Fact]
    public async Task Hostile_requests_to_every_route_get_a_4xx_problem_and_change_nothing()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        var setup = await SetUpAsync(client);
        var before = await SnapshotAsync();

        var requests = Generate(setup).ToArray();
        var failures = new List<string>();
        foreach (var chunk in requests.Chunk(8))
        {
            await Task.WhenAll(chunk.Select(async hostile =>
            {
                using var request = hostile.Build();
                using var response = await client.SendAsync(request);
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                var status = (int)response.StatusCode;
                if (status is < 400 or >= 500 || !IsProblem(hostile.Path, mediaType))
                {
                    var failure = $"{hostile.Describe()} → {status} {mediaType}: {Truncate(await response.Content.ReadAsStringAsync())}";
                    lock (failures)
                        failures.Add(failure);
                }
            }));
        }

        Assert.True(requests.Length >= 400, $"only {requests.Length} requests were generated");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Length} answers were not a 4xx problem:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(40))}");
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>A free event with every seat booked, a paid event with every seat held by one order, and that order.</summary>
    private static async Task<Setup> SetUpAsync(HttpClient client)
    {
        var twoSeats = new JsonObject
        {
            ["sections"] = new JsonArray(new JsonObject
            {
                ["name"] = "Main",
                ["rows"] = new JsonArray(new JsonObject
                {
                    ["name"] = "1",
                    ["seats"] = new JsonArray(new JsonObject { ["label"] = "1A", ["x"] = 0 }, new JsonObject { ["label"] = "1B", ["x"] = 1 }),
                }),
            }),
        };
        await CreateEventAsync(client, new JsonObject { ["id"] = "full-free", ["title"] = "Full free", ["layout"] = twoSeats.DeepClone() });
        await CreateEventAsync(client, new JsonObject { ["id"] = "full-paid", ["title"] = "Full paid", ["layout"] = twoSeats.DeepClone(), ["prices"] = new JsonObject { ["standard"] = 1200 } });

        var booking = await client.PostAsJsonAsync("/api/events/full-free/bookings", new { seats = new[] { new { seat = "1A", name = "Ada" }, new { seat = "1B", name = "Bob" } } });
        Assert.Equal(HttpStatusCode.Created, booking.StatusCode);
        var booked = (await booking.Content.ReadFromJsonAsync<BookingResponse>())!;

        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { eventId = "full-paid", count = 2, names = new[] { "Cy", "Di" }, email = "cy@example.com" }),
            Headers = { { "Idempotency-Key", "setup-order" } },
        };
        var ordered = await client.SendAsync(order);
        Assert.Equal(HttpStatusCode.Created, ordered.StatusCode);
        var held = (await ordered.Content.ReadFromJsonAsync<OrderCreated>())!;
        var paymentId = new Uri(held.PaymentUrl).AbsolutePath.Split('/')[^1];
        return new Setup(booked.Reference, booked.ManageToken, held.OrderId, held.ManageToken, paymentId);

        static async Task CreateEventAsync(HttpClient client, JsonObject body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", AdminToken);
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request)).StatusCode);
        }
    }

    private static IEnumerable<Hostile> Generate(Setup setup)
    {
        var bookingBodies = new[]
        {
            new JsonObject { ["seats"] = new JsonArray(new JsonObject { ["seat"] = "1A", ["name"] = "Eve" }) },
            new JsonObject { ["count"] = 1, ["names"] = new JsonArray("Eve") },
        };
        var orderBody = new JsonObject { ["eventId"] = "full-paid", ["count"] = 1, ["names"] = new JsonArray("Eve"), ["email"] = "eve@example.com" };
        // The unknown template keeps every variant from creating an event, whatever its id and title.
        var eventBody = new JsonObject { ["id"] = "full-free", ["title"] = "Taken id", ["layout"] = new JsonObject { ["template"] = "opera-house" } };
        // Both sizes out of range, so every variant is refused whichever one field it spoils.
        var layoutBody = new JsonObject { ["template"] = "cinema", ["rows"] = 30, ["seatsPerRow"] = 1000 };
        var tutorialBody = new JsonObject { ["seatNumber"] = "1A", ["name"] = "Eve" };
        var decisionBody = new JsonObject { ["outcome"] = "paid" };
        var webhookBody = new JsonObject { ["paymentId"] = "pay_unknown", ["status"] = "paid" };

        foreach (var body in bookingBodies)
        {
            foreach (var hostile in Mutate("POST", "/api/events/full-free/bookings", body))
                yield return hostile;
            foreach (var hostile in Mutate("POST", "/api/events/full-paid/bookings", body))
                yield return hostile;
        }
        foreach (var hostile in Mutate("POST", "/api/orders", orderBody, headers: new() { ["Idempotency-Key"] = "hostile" }))
            yield return hostile;
        foreach (var hostile in Mutate("POST", "/api/events", eventBody, headers: new() { ["Authorization"] = $"Bearer {AdminToken}" }))
            yield return hostile;
        foreach (var hostile in Mutate("POST", "/api/console/layout-preview", layoutBody, headers: new() { ["Authorization"] = $"Bearer {AdminToken}" }))
            yield return hostile;
        foreach (var hostile in Mutate("POST", "/book-seat?flightId=full-free", tutorialBody))
            yield return hostile;
        foreach (var hostile in Mutate("POST", $"/api/payments/{setup.PaymentId}/decision", decisionBody))
            yield return hostile;
        foreach (var hostile in Mutate("POST", "/api/payments/webhook", webhookBody))
            yield return hostile;
        // The same spoiled webhooks, correctly signed, so they reach the parsing behind the signature check.
        foreach (var hostile in Mutate("POST", "/api/payments/webhook", webhookBody).Where(h => h.Body is not null))
            yield return hostile with { Headers = new() { ["X-Signature"] = PaymentSignature.Sign(WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(hostile.Body!)) } };

        // Orders whose key or event is hostile, with a body that is otherwise sound.
        foreach (var key in new[] { "", " ", new string('k', 201), "key\u007f", "setup-order " })
            yield return new Hostile("POST", "/api/orders", orderBody.ToJsonString(), Headers: new() { ["Idempotency-Key"] = key });
        foreach (var eventId in Strings().Append("full-free"))
        {
            var body = (JsonObject)orderBody.DeepClone();
            body["eventId"] = eventId;
            yield return new Hostile("POST", "/api/orders", body.ToJsonString(), Headers: new() { ["Idempotency-Key"] = "hostile-event" });
        }

        // Ids, references and tokens in the path and the query; headers carry only what HTTP lets them. An
        // empty id is another route (the list), and Kestrel itself refuses a NUL in a path before any of our code runs.
        foreach (var value in Strings().Where(s => s.Length is > 0 and < 2_000 && !s.Contains('\0', StringComparison.Ordinal)))
        {
            var escaped = Uri.EscapeDataString(value);
            var header = value.All(c => c is >= ' ' and <= '~') ? value : escaped;
            yield return new Hostile("GET", $"/api/events/{escaped}");
            yield return new Hostile("GET", $"/api/events/{escaped}/live");
            yield return new Hostile("GET", $"/api/events/full-free/best-available?count={escaped}");
            yield return new Hostile("GET", $"/api/events/full-free/best-available?count=2&category={escaped}&together={escaped}");
            yield return new Hostile("GET", $"/api/events/full-free/best-available?count=2&wheelchair={escaped}");
            yield return new Hostile("GET", $"/api/bookings/{escaped}", Headers: new() { ["X-Manage-Token"] = setup.BookingToken });
            yield return new Hostile("DELETE", $"/api/bookings/{setup.BookingReference}", Headers: new() { ["X-Manage-Token"] = header });
            yield return new Hostile("GET", $"/api/orders/{setup.OrderId}", Headers: new() { ["X-Manage-Token"] = header });
            yield return new Hostile("GET", $"/api/orders/{escaped}", Headers: new() { ["X-Manage-Token"] = setup.OrderToken });
            yield return new Hostile("GET", $"/api/payments/{escaped}");
            // A well-formed new flight id is no attack: the tutorial creates that flight, as it should.
            if (!System.Text.RegularExpressions.Regex.IsMatch(value, "^[A-Za-z0-9_-]{1,32}$"))
            {
                yield return new Hostile("GET", $"/seats?flightId={escaped}");
                yield return new Hostile("GET", $"/ws?flightId={escaped}");
            }
            yield return new Hostile("GET", $"/api/events/full-free/audit", Headers: new() { ["Authorization"] = "Bearer " + header });
        }
        // The seat map's read routes on made-up ids, each id once per batch.
        foreach (var value in Strings().Where(s => s.Length is > 0 and < 2_000 && !s.Contains('\0', StringComparison.Ordinal)))
        {
            yield return new Hostile("GET", $"/api/events/{Uri.EscapeDataString(value)}/layout");
            yield return new Hostile("GET", $"/api/events/{Uri.EscapeDataString(value + "-b")}/best-available?count=2");
        }
        yield return new Hostile("GET", "/seats?flightId=full-free");
        yield return new Hostile("GET", "/ws?flightId=full-paid");
        yield return new Hostile("GET", "/api/events/..%2F..%2Fetc%2Fpasswd");
        yield return new Hostile("GET", "/api/bookings/..%2F..%2Fetc%2Fpasswd");

        // Wrong methods on every route.
        foreach (var (method, path) in new[]
        {
            ("PUT", "/api/events"), ("DELETE", "/api/events"), ("PATCH", "/api/events/full-free"), ("PUT", "/api/events/full-free/bookings"),
            ("POST", $"/api/bookings/{setup.BookingReference}"), ("PUT", "/api/orders"), ("DELETE", $"/api/orders/{setup.OrderId}"),
            ("GET", "/api/payments/webhook"), ("PUT", "/book-seat?flightId=full-free"), ("DELETE", "/seats?flightId=full-free"),
            ("POST", "/api/events/full-free/live"), ("GET", $"/api/payments/{setup.PaymentId}/decision"),
            ("POST", "/api/console/events"), ("GET", "/api/console/layout-preview"),
        })
            yield return new Hostile(method, path);
    }

    /// <summary>Every way to spoil a JSON body: broken syntax, wrong types, numbers as strings, missing, unknown and extreme values, wrong content types.</summary>
    private static IEnumerable<Hostile> Mutate(string method, string path, JsonObject body, Dictionary<string, string>? headers = null)
    {
        var text = body.ToJsonString();
        foreach (var broken in new[] { "", "{", "[", "nul", "{}", "[]", "null", "\"text\"", "42", text[..(text.Length / 2)], text + "}", text.Replace(":", "", StringComparison.Ordinal), "{\"a\":}", "{,}", "\uFEFF" + text + "x", "{\"x\":\"\\ud800\"" })
            yield return new Hostile(method, path, broken, Headers: headers);
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "" })
            yield return new Hostile(method, path, text, contentType, headers);

        foreach (var (name, value) in body)
        {
            var without = (JsonObject)body.DeepClone();
            without.Remove(name);
            yield return Json(without);
            foreach (var replacement in Replacements(value))
            {
                var changed = (JsonObject)body.DeepClone();
                changed[name] = replacement;
                yield return Json(changed);
            }
        }
        var unknown = (JsonObject)body.DeepClone();
        unknown["__proto__"] = new JsonObject { ["admin"] = true };
        unknown["status"] = "booked";
        yield return Json(unknown);

        Hostile Json(JsonObject mutated) => new(method, path, mutated.ToJsonString(), Headers: headers);
    }

    private static IEnumerable<JsonNode?> Replacements(JsonNode? original)
    {
        yield return null;
        yield return true;
        yield return new JsonObject { ["nested"] = new JsonObject() };
        yield return new JsonArray(1, 2, 3);
        foreach (var number in new JsonNode[] { -1, 0, 2147483648L, long.MinValue, 1.5, JsonNode.Parse("1e309")!, JsonNode.Parse("99999999999999999999")! })
            yield return number;
        if (original?.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            yield return original.ToJsonString();
        foreach (var value in Strings())
            yield return value;
        if (original is JsonArray array && array.Count > 0)
        {
            yield return new JsonArray();
            yield return new JsonArray([.. Enumerable.Range(0, 10_000).Select(_ => array[0]!.DeepClone())]);
            foreach (var value in Strings().Take(6))
                yield return new JsonArray(value);
        }
    }

    private static IEnumerable<string> Strings() =>
    [
        "", " ", "\u200B", "\u202Eevil", "a\u0000b", "\t\n", new string('x', 1_000_000), new string('é', 101),
        "' OR '1'='1", "1; DROP TABLE seats; --", "../../../../etc/passwd", "..\\..\\windows", "<script>alert(1)</script>",
        "%00", "{{7*7}}", "\uD83D\uDE00\uD83D\uDE00", "ḁ̴̛̏", "NaN", "-1", "9999999999999999999999",
    ];

    /// <summary>The tutorial's routes keep the tutorial's contract, JSON <c>{"message","status"}</c>, where they answer themselves.</summary>
    private static bool IsProblem(string path, string? mediaType) =>
        mediaType == "application/problem+json"
        || (mediaType == "application/json" && (path.StartsWith("/book-seat", StringComparison.Ordinal) || path.StartsWith("/seats", StringComparison.Ordinal) || path.StartsWith("/ws", StringComparison.Ordinal)));

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private async Task<string> SnapshotAsync()
    {
        await using var connection = await Database.OpenAsync();
        var snapshot = new StringBuilder();
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2";
            await using var reader = await command.ExecuteReaderAsync();
            snapshot.Append("-- ").Append(table).Append('\n');
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    snapshot.Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                snapshot.Append('\n');
            }
        }
        return snapshot.ToString();
    }

    private sealed record Setup(string BookingReference, string BookingToken, string OrderId, string OrderToken, string PaymentId);

    private sealed record Hostile(string Method, string Path, string? Body = null, string ContentType = "application/json", Dictionary<string, string>? Headers = null)
    {
        public HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
                // So an oversized body is refused before it is sent, rather than by a reset mid-upload the client cannot read an answer from.
                request.Headers.ExpectContinue = true;
                if (ContentType.Length > 0)
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
            foreach (var (name, value) in Headers ?? [])
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                    throw new InvalidOperationException($"Header {name} refused.");
            }
            return request;
        }

        public string Describe() => $"{Method} {Truncate(Path)} {(Body is null ? "" : Truncate(Body[..Math.Min(Body.Length, 120)]))} [{ContentType}]";
    }
}

public sealed class SqliteHostileInputTests : HostileInputTests, IAsyncDisposable
{
    private readonly SqliteDatabase _database = new();

    protected override ITestDatabase Database => _database;

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartAsync(_database.Path, AdminToken, Settings);

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

public sealed class PostgresHostileInputTests : HostileInputTests, IAsyncLifetime
{
    private PostgresDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await PostgresDatabase.CreateAsync("hostile");

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    protected override ITestDatabase Database => _database;

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartOnPostgresAsync(_database.ConnectionString, AdminToken, Settings);
}
