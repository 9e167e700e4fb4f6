using BoxOffice.Contracts;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Desk;

/// <summary>
/// A request to an event's desk: plain data, so it can travel to the event's grain on another process.
/// The desk decides it against its <see cref="SeatMap"/> (which may add writes to the batch), and
/// answers only after that batch has committed.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record DeskCommand
{
    /// <summary>Reads are answered from committed state, before the batch's writes are staged.</summary>
    internal virtual bool IsRead => false;

    /// <summary>
    /// A change the seat map cannot take in place (a new layout): the command commits in a batch of its own, and
    /// the desk loads the event afresh before deciding anything else.
    /// </summary>
    internal virtual bool CommitsAlone => false;

    /// <summary>
    /// Sent by the tutorial's routes. Tutorial flights take only such commands and other events never do:
    /// the desk answers as for an unknown event otherwise.
    /// </summary>
    [Id(0)]
    public bool Tutorial { get; init; }

    public const string SystemActor = "system";

    /// <summary>Who asks, for the event log: a staff account, a client's address, or <see cref="SystemActor"/> for the server's own workers.</summary>
    [Id(1)]
    public string Actor { get; init; } = SystemActor;
}

[GenerateSerializer, Immutable]
public abstract record DeskCommand<TResult> : DeskCommand where TResult : class
{
    internal abstract TResult Decide(SeatMap map, BatchPlan plan);

    /// <summary>The answer to a write the database refused for good (see <see cref="StoreRefusal"/>); null if the command has none.</summary>
    internal virtual TResult? Refused(StoreRefusal refusal) => null;
}

/// <summary>A question about the committed seat map, answered as bytes the caller sends as they are; the grain caches them per version.</summary>
[GenerateSerializer, Immutable]
public abstract record DeskRead : DeskCommand<VersionedBytes>
{
    internal sealed override bool IsRead => true;

    internal sealed override VersionedBytes Decide(SeatMap map, BatchPlan plan) => new(map.Version, Encode(map));

    protected abstract byte[] Encode(SeatMap map);
}

/// <summary>An encoded read and the committed version it describes.</summary>
[GenerateSerializer, Immutable]
public sealed record VersionedBytes(long Version, byte[] Bytes);

[GenerateSerializer, Immutable]
public abstract record BookResult
{
    [GenerateSerializer, Immutable]
    public sealed record Booked(string Reference, IReadOnlyList<BookedSeat> Seats) : BookResult;

    [GenerateSerializer, Immutable]
    public sealed record Unavailable(IReadOnlyList<string> Seats) : BookResult;

    [GenerateSerializer, Immutable]
    public sealed record UnknownSeats(IReadOnlyList<string> Seats) : BookResult;

    /// <summary>The event is paid: seats are sold through <c>POST /api/orders</c>, never booked directly.</summary>
    [GenerateSerializer, Immutable]
    public sealed record CheckoutRequired : BookResult;

    /// <summary>The event is free: there is nothing to pay, so seats are booked directly, not ordered.</summary>
    [GenerateSerializer, Immutable]
    public sealed record BookDirectly : BookResult;

    /// <summary>Best-available found no seats to fit; <c>Available</c> says how many of the asked category are left.</summary>
    [GenerateSerializer, Immutable]
    public sealed record NotEnough(int Available) : BookResult;

    /// <summary>The event does not sell now: a draft, closed or cancelled, or outside its sales window; <c>Detail</c> says which.</summary>
    [GenerateSerializer, Immutable]
    public sealed record NotOnSale(string Detail) : BookResult;

    /// <summary>The client would pass one of its caps (<c>Limit</c> names it); nothing was booked.</summary>
    [GenerateSerializer, Immutable]
    public sealed record LimitReached(string Limit, int Max, string Detail) : BookResult;
}
