using System.Collections.Concurrent;
using System.Net;
using BoxOffice.Client;
using BoxOffice.Contracts;
using BoxOffice.Testing;
using Microsoft.Data.Sqlite;
using static BoxOffice.IntegrationTests.TestEvents;

namespace BoxOffice.IntegrationTests;

/// <summary>Against a real server process on a real file: what was acknowledged survives SIGKILL.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const string AdminToken = "crash-admin-token-of-32-characters";
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"boxoffice-crash-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Every_acknowledged_booking_survives_a_kill_in_the_middle_of_a_burst()
    {
        var acknowledged = new ConcurrentBag<BookingResponse>();
        var seats = Enumerable.Range(1, 50).SelectMany(seat => Enumerable.Range(1, 20).Select(row => $"S1-{row}-{seat}")).ToArray();
        var next = -1;

        for (var round = 0; round < 3; round++)
        {
            await using var server = await ServerProcess.StartAsync(_databasePath, AdminToken);
            using var client = new BoxOfficeClient(server.CreateClient(), AdminToken);
            if (round == 0)
                await client.NewEventAsync(Layouts.Stadium(1, 20, 50), id: "crash");

            // 32 buyers book distinct seats until the process is killed under them; the kill lands once this
            // round's share is acknowledged, however slow the machine is.
            var killAfter = acknowledged.Count + 60 + (round * 40);
            var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var buyers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) is var index && index < seats.Length)
                {
                    try
                    {
                        var response = await client.BookAsync("crash", Seats((seats[index], $"Guest {index}")));
                        if (response.Status == HttpStatusCode.Created)
                        {
                            acknowledged.Add(response.Value);
                            if (acknowledged.Count >= killAfter)
                                enoughAcknowledged.TrySetResult();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToArray();
            await Task.WhenAny(enoughAcknowledged.Task, Task.WhenAll(buyers));
            await server.KillAsync();
            await Task.WhenAll(buyers);
        }

        await using (var restarted = await ServerProcess.StartAsync(_databasePath, AdminToken))
        {
            using var client = new BoxOfficeClient(restarted.CreateClient());
            var map = (await client.GetSeatMapAsync("crash")).Value;
            var bookedSeats = map.Seats.Where(s => s.Status == "booked").Select(s => s.Label).ToHashSet();
            Assert.True(acknowledged.Count >= 200, $"only {acknowledged.Count} bookings were acknowledged");
            Assert.All(acknowledged, booking => Assert.Contains(booking.Seats[0].Seat, bookedSeats));
            foreach (var booking in acknowledged.Take(50))
                Assert.Equal(HttpStatusCode.OK, (await client.GetBookingAsync(booking.Reference, booking.ManageToken)).Status);
        }

        using var database = new SqliteConnection($"Data Source={_databasePath};Pooling=False");
        database.Open();
        using var check = database.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
        check.CommandText = """
            SELECT COUNT(*) FROM seats s
            WHERE s.status = 'booked' AND NOT EXISTS (
              SELECT 1 FROM booking_seats b WHERE b.event_id = s.event_id AND b.seat = s.seat AND b.reference = s.booking_ref AND b.released_at_ms IS NULL)
            """;
        Assert.Equal(0L, check.ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_databasePath + suffix);
    }
}
