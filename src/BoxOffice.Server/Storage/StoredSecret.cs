namespace BoxOffice.Server.Storage;

/// <summary>
/// A secret kept in the database (see <see cref="IBookingStore.GetSecretAsync"/>), read once and then kept in memory.
/// </summary>
public sealed class StoredSecret(IBookingStore store, string name, Func<byte[]> generate)
{
    private Task<byte[]>? _value;

    /// <summary>
    /// One read shared by everyone who asks while it runs, kept once it succeeds. A failed read is not kept:
    /// the next use reads again, so a database error at the first use does not last as long as the process.
    /// </summary>
    public Task<byte[]> GetAsync()
    {
        var value = Volatile.Read(ref _value);
        if (value is { IsFaulted: false, IsCanceled: false })
            return value;
        var read = store.GetSecretAsync(name, generate, CancellationToken.None);
        var current = Interlocked.CompareExchange(ref _value, read, value);
        // Another caller replaced the failed read first: share theirs.
        return current == value ? read : current!;
    }
}
