using BoxOffice.Contracts;
using Orleans.Concurrency;

namespace BoxOffice.Server.Desk;

/// <summary>
/// The desk of one event (key: the event id), a single activation in the whole cluster. Any process may call it;
/// Orleans forwards the call to the process that hosts the activation.
/// </summary>
public interface IEventDesk : IGrainWithStringKey
{
    /// <summary>
    /// Decides the command in the event's single writer and answers after its batch has committed; a
    /// <see cref="DeskRead"/> from a cached encoding while no batch has committed since it was made.
    /// </summary>
    Task<DeskAnswer<TResult>> Send<TResult>(DeskCommand<TResult> command) where TResult : class;

    /// <summary>What routes need to know about the event, without touching its seats; null when there is no such event.</summary>
    Task<EventFacts?> Describe();

    /// <summary>
    /// Subscribes a process's watcher to the event's committed changes and returns the snapshot they follow;
    /// null when there is no such event, or it is not of the asked kind (tutorial or not).
    /// </summary>
    Task<DeskSnapshot?> Watch(IDeskWatcher watcher, bool tutorial);

    /// <summary>Renews a watcher's lease (a desk forgets watchers that stop renewing) and returns the committed version.</summary>
    Task<long?> KeepWatching(IDeskWatcher watcher);

    Task Unwatch(IDeskWatcher watcher);

    /// <summary>The deltas after <paramref name="version"/>, if the desk still has them all.</summary>
    Task<SeatDelta[]?> DeltasSince(long version);

    /// <summary>The event is gone from the store: the desk finishes what it queued and deactivates.</summary>
    Task Retire();
}

/// <summary>One process's subscription to an event's changes; it fans them out to the WebSockets of that process.</summary>
public interface IDeskWatcher : IGrainObserver
{
    /// <summary>Committed deltas in version order; one-way, so a slow process never holds up the desk.</summary>
    [OneWay]
    Task OnDeltas(SeatDelta[] deltas);

    /// <summary>The desk's history restarted (it reloaded, or deactivated): the watcher takes a fresh snapshot.</summary>
    [OneWay]
    Task OnRestart();
}

[GenerateSerializer]
public enum DeskOutcome
{
    Done,
    NoSuchEvent,
    /// <summary>The event exists, but is a tutorial flight and the command is not from the tutorial's routes, or the other way round.</summary>
    OtherKind,
    /// <summary>Too many requests are queued, or the desk is deactivating: try again.</summary>
    Busy,
    /// <summary>The database gave no durable answer: try again.</summary>
    Unavailable,
}

/// <summary>A desk's answer: the command's result when <see cref="Outcome"/> is <see cref="DeskOutcome.Done"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record DeskAnswer<TResult>(DeskOutcome Outcome, TResult? Result, string? Detail = null) where TResult : class;

[GenerateSerializer, Immutable]
public sealed record EventFacts(string Title, bool Tutorial, int BlockedSeats);

/// <summary>
/// The committed seats a watcher starts from. Occupants travel only for tutorial flights, whose
/// <c>/ws</c> shows them; the layout as stored, so the watcher can draw seats without loading the event.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeskSnapshot(long Version, string LayoutJson, SeatStatus[] Statuses, string?[]? Occupants);

/// <summary>How a <see cref="BookedSeat"/> of the dependency-free contracts travels between processes.</summary>
[GenerateSerializer, Immutable]
public readonly record struct BookedSeatSurrogate(string Seat, string Name);

[RegisterConverter]
public sealed class BookedSeatConverter : IConverter<BookedSeat, BookedSeatSurrogate>
{
    public BookedSeat ConvertFromSurrogate(in BookedSeatSurrogate surrogate) => new(surrogate.Seat, surrogate.Name);

    public BookedSeatSurrogate ConvertToSurrogate(in BookedSeat value) => new(value.Seat, value.Name);
}
