namespace BoxOffice.Server.Desk;

/// <summary>The seats one committed batch changed, moving the event from one version to the next.</summary>
[GenerateSerializer, Immutable]
public sealed record SeatDelta(long FromVersion, long ToVersion, IReadOnlyList<SeatChange> Changes);

/// <summary>Someone who reads a <see cref="ChangeFeed"/> at their own pace after being nudged.</summary>
public interface IFeedSubscriber
{
    /// <summary>Something new was published. Must return at once: the desk calls it.</summary>
    void Notify();

    /// <summary>The feed's history restarted; the subscriber must re-sync from a fresh snapshot.</summary>
    void Disconnect();
}

/// <summary>
/// The committed changes of one event in this process, and who listens to them. The desk publishes
/// without waiting for anyone: it appends to a bounded log and nudges each connection, and every
/// connection reads the log at its own pace. A connection that falls off the end of the log is dropped.
/// </summary>
public sealed class ChangeFeed(long version)
{
    public const int RetainedBatches = 1024;

    private readonly Lock _gate = new();
    private readonly Queue<SeatDelta> _recent = new();
    private IFeedSubscriber[] _connections = [];
    private long _version = version;

    public int ConnectionCount => Volatile.Read(ref _connections).Length;

    /// <summary>The version the last published delta, or the last restart, reached.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
                return _version;
        }
    }

    public void Publish(SeatDelta delta)
    {
        IFeedSubscriber[] connections;
        lock (_gate)
        {
            _recent.Enqueue(delta);
            if (_recent.Count > RetainedBatches)
                _recent.Dequeue();
            _version = delta.ToVersion;
            connections = _connections;
        }
        foreach (var connection in connections)
            connection.Notify();
    }

    /// <summary>Adds every delta after <paramref name="version"/>; false when some of them are no longer retained.</summary>
    public bool TryReadSince(long version, List<SeatDelta> deltas)
    {
        lock (_gate)
        {
            if (version >= _version)
                return true;
            if (_recent.Count == 0 || _recent.Peek().FromVersion > version)
                return false;
            foreach (var delta in _recent)
            {
                if (delta.ToVersion > version)
                    deltas.Add(delta);
            }
            return true;
        }
    }

    /// <summary>Call on the desk's thread, with the snapshot the connection starts from, so no delta falls between them.</summary>
    public void Add(IFeedSubscriber connection)
    {
        lock (_gate)
            _connections = [.. _connections, connection];
    }

    public void Remove(IFeedSubscriber connection)
    {
        lock (_gate)
            _connections = Array.FindAll(_connections, c => c != connection);
    }

    /// <summary>
    /// The desk reloaded at another version than the log ends with (or is going away): the log no longer
    /// describes its history, so every connection is closed and re-syncs from a fresh snapshot.
    /// </summary>
    public void Restart(long version)
    {
        IFeedSubscriber[] connections;
        lock (_gate)
        {
            _recent.Clear();
            _version = version;
            connections = _connections;
            _connections = [];
        }
        foreach (var connection in connections)
            connection.Disconnect();
    }
}
