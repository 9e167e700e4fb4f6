using BoxOffice.Server.Desk;
using BoxOffice.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoxOffice.UnitTests;

/// <summary>Desks without Orleans: each event's <see cref="BookingDesk"/> loaded on first use, as its grain would, over the given store and clock.</summary>
internal sealed class TestDesks(IBookingStore store, TimeProvider time) : IAsyncDisposable
{
    private readonly Dictionary<string, BookingDesk?> _desks = [];

    public async Task<BookingDesk?> FindAsync(string eventId)
    {
        if (!_desks.TryGetValue(eventId, out var desk))
            _desks[eventId] = desk = await BookingDesk.LoadAsync(eventId, store, time, NullLogger.Instance);
        return desk;
    }

    /// <summary>The committed answer, or null when the event is unknown or not of the command's kind.</summary>
    public async Task<TResult?> SendAsync<TResult>(string eventId, DeskCommand<TResult> command) where TResult : class
    {
        if (await FindAsync(eventId) is not { } desk)
            return null;
        return desk.TryEnqueue(command, out var reply) switch
        {
            EnqueueResult.Accepted => await reply,
            EnqueueResult.NotThisKind => null,
            var refused => throw new InvalidOperationException($"The desk refused the command: {refused}."),
        };
    }

    /// <summary>Reads the committed map on the desk's thread.</summary>
    public Task<TResult?> ReadAsync<TResult>(string eventId, Func<SeatMap, TResult> read, bool tutorial = false) where TResult : class =>
        SendAsync(eventId, new ReadMap<TResult>(read) { Tutorial = tutorial });

    public async ValueTask DisposeAsync()
    {
        foreach (var desk in _desks.Values.OfType<BookingDesk>())
            desk.Retire();
        await Task.WhenAll(_desks.Values.OfType<BookingDesk>().Select(desk => desk.Completion));
    }

    private sealed record ReadMap<TResult>(Func<SeatMap, TResult> Read) : DeskCommand<TResult> where TResult : class
    {
        internal override bool IsRead => true;

        internal override TResult Decide(SeatMap map, BatchPlan plan) => Read(map);
    }
}
