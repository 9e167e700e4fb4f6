
namespace BoxOffice.Server.Desk;

/// <summary>
/// How routes reach an event's desk, wherever in the cluster it is active. A desk that cannot answer now (it is
/// busy, its database failed, or its process died and it has not yet moved) becomes a
/// <see cref="DeskUnavailableException"/>, which the API answers with 503 and <c>Retry-After</c>, never a hang.
/// </summary>
public sealed class EventDesks(IGrainFactory grains, DesksReady ready, LocalDesks local)
{
    private const int MaxRejections = 3;

    /// <summary>Waits, bounded, until this process's silo has started: routes and workers start alongside it.</summary>
    public Task ReadyAsync() => ready.Ready.IsCompleted ? Task.CompletedTask : ready.Ready.WaitAsync(DesksReady.StartTimeout);

    /// <summary>The committed answer; null when the event does not exist, or is a tutorial flight and the command is not from the tutorial's routes, or the other way round.</summary>
    public async Task<TResult?> SendAsync<TResult>(string eventId, DeskCommand<TResult> command) where TResult : class =>
        Unwrap(eventId, await LocallyAsync(eventId, command) ?? await CallAsync(eventId, desk => desk.Send(command)));

    /// <summary>An encoded read of the committed seats; null as for <see cref="SendAsync"/>.</summary>
    public async Task<byte[]?> ReadAsync(string eventId, DeskRead read) =>
        Unwrap(eventId, await LocallyAsync(eventId, read) ?? await CallAsync(eventId, desk => desk.Send(read)))?.Bytes;

    /// <summary>
    /// For the tutorial's routes, which create a flight on first use: <c>Exists</c> is false only when no event
    /// has the id, and then the flight may be made; an existing event of the other kind answers as found without a result.
    /// </summary>
    public async Task<(bool Exists, TResult? Result)> SendToFlightAsync<TResult>(string flightId, DeskCommand<TResult> command) where TResult : class
    {
        var tutorial = command with { Tutorial = true };
        var answer = await LocallyAsync(flightId, tutorial) ?? await CallAsync(flightId, desk => desk.Send(tutorial));
        return (answer.Outcome != DeskOutcome.NoSuchEvent, Unwrap(flightId, answer));
    }

    /// <inheritdoc cref="SendToFlightAsync"/>
    public async Task<(bool Exists, byte[]? Result)> ReadFlightAsync(string flightId, DeskRead read)
    {
        var tutorial = read with { Tutorial = true };
        var answer = await LocallyAsync(flightId, tutorial) ?? await CallAsync(flightId, desk => desk.Send(tutorial));
        return (answer.Outcome != DeskOutcome.NoSuchEvent, Unwrap(flightId, answer)?.Bytes);
    }

    public Task<EventFacts?> DescribeAsync(string eventId) => CallAsync(eventId, desk => desk.Describe());

    /// <summary>For an event deleted from the store: its desk deactivates, wherever it is.</summary>
    public Task RetireAsync(string eventId) => CallAsync(eventId, async desk =>
    {
        await desk.Retire();
        return true;
    });

    internal IEventDesk Desk(string eventId) => grains.GetGrain<IEventDesk>(eventId);

    /// <summary>The answer of the event's desk if it is active in this process; null to go through its grain.</summary>
    private Task<DeskAnswer<TResult>?> LocallyAsync<TResult>(string eventId, DeskCommand<TResult> command) where TResult : class =>
        local.TryFind(eventId, out var desk) ? desk.AskAsync(command) : Task.FromResult<DeskAnswer<TResult>?>(null);

    private async Task<T> CallAsync<T>(string eventId, Func<IEventDesk, Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ReadyAsync();
                return await call(Desk(eventId));
            }
            catch (OrleansMessageRejectionException) when (attempt < MaxRejections)
            {
                // The call reached no activation (its target was deactivating, say after a lookup of an unknown
                // id): nothing ran, so it is sent again, and Orleans places it on a fresh activation.
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                // The call did not come back: the desk's process is gone or unreachable until Orleans moves the event.
                // A write may still have committed there, so the caller retries (orders carry an idempotency key).
                throw new DeskUnavailableException($"The desk of event {eventId} is moving; try again.", error);
            }
        }
    }

    private static T? Unwrap<T>(string eventId, DeskAnswer<T> answer) where T : class => answer.Outcome switch
    {
        DeskOutcome.Done => answer.Result,
        DeskOutcome.NoSuchEvent or DeskOutcome.OtherKind => null,
        _ => throw new DeskUnavailableException(answer.Detail ?? $"Event {eventId} is unavailable."),
    };
}
