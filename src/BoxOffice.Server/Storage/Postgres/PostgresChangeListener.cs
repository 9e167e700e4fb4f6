using System.Globalization;
using System.Threading.Channels;
using BoxOffice.Server.Booking;
using Npgsql;

namespace BoxOffice.Server.Storage.Postgres;

/// <summary>
/// The cross-process change feed. One dedicated connection LISTENs for the batches every process commits;
/// each one for an event with a desk in this process becomes a <see cref="CatchUp"/> for that desk, and an
/// event another process deleted (an evicted tutorial flight) has its desk here retired.
/// </summary>
/// <remarks>
/// Notifications are lost only while the connection is down, and what they said is in the tables anyway:
/// after every (re)connect each active desk catches up from its own version, so nothing is missed silently.
/// </remarks>
internal sealed partial class PostgresChangeListener(NpgsqlDataSource dataSource, BookingDesks desks, TimeProvider time, ILogger<PostgresChangeListener> logger)
    : BackgroundService
{
    public const string ApplicationName = "BoxOffice listener";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>A connection that has been silent this long is pinged, so one that died without a word is noticed.</summary>
    private static readonly TimeSpan PingAfter = TimeSpan.FromSeconds(10);

    private readonly Channel<(string EventId, long? Version, bool Deleted)> _changes =
        Channel.CreateUnbounded<(string EventId, long? Version, bool Deleted)>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatching = DispatchAsync();
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => retry = FirstRetry, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                LogListenerFailed(logger, retry.TotalMilliseconds, error);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
        _changes.Writer.TryComplete();
        await dispatching;
    }

    private async Task ListenAsync(Action listening, CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, notification) => Enqueue(notification.Payload);
        // Its own name tells it apart in pg_stat_activity; returning the connection to the pool resets it.
        await using (var listen = new NpgsqlCommand($"SET application_name = '{ApplicationName}'; LISTEN {PostgresBookingStore.ChangeChannel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        listening();
        LogListening(logger, desks.ActiveCount);
        // Whatever was committed while nobody listened is only in the tables.
        foreach (var eventId in desks.ActiveEventIds)
            _changes.Writer.TryWrite((eventId, null, false));
        while (true)
        {
            if (await connection.WaitAsync(PingAfter, stoppingToken))
                continue;
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteNonQueryAsync(stoppingToken);
        }
    }

    /// <summary>Called on the listening connection for each <c>eventId:version</c> or <c>eventId:deleted</c>; must return at once.</summary>
    private void Enqueue(string payload)
    {
        var separator = payload.LastIndexOf(':');
        if (separator <= 0)
            return;
        var what = payload.AsSpan(separator + 1);
        if (what.SequenceEqual(PostgresBookingStore.Deleted))
            _changes.Writer.TryWrite((payload[..separator], null, true));
        else if (long.TryParse(what, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            _changes.Writer.TryWrite((payload[..separator], version, false));
    }

    private async Task DispatchAsync()
    {
        await foreach (var (eventId, version, deleted) in _changes.Reader.ReadAllAsync())
        {
            if (deleted)
            {
                desks.Retire(eventId);
                continue;
            }
            // Only desks already here: one activated later loads the event after this commit anyway. A desk
            // already at the version (its own commit, most often) is not woken; the desk checks again itself.
            if (await desks.FindActiveAsync(eventId) is { } desk && (version is null || version > desk.Version))
                desk.TryEnqueue(new CatchUp(version));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for other processes' commits; {Desks} active desks catch up")]
    private static partial void LogListening(ILogger logger, int desks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change listener lost its connection; reconnecting in {DelayMs} ms")]
    private static partial void LogListenerFailed(ILogger logger, double delayMs, Exception error);
}
