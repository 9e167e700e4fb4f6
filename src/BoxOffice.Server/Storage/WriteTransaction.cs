namespace BoxOffice.Server.Storage;

/// <summary>One SQL statement with its <c>@name</c> parameters; a null value is SQL NULL.</summary>
internal sealed record Statement(string Sql, params (string Name, object? Value)[] Parameters)
{
    /// <summary>A statement of a desk's batch must change exactly one row, unless it clears rows of any number.</summary>
    public bool AnyRows { get; init; }
}

/// <summary>
/// An open write transaction, as a dialect runs it. The savepoint is the writer loop's: each write it
/// gathers into the transaction gets one, so a write that fails rolls back alone.
/// </summary>
internal abstract class WriteTransaction : IAsyncDisposable
{
    /// <summary>Runs the statements in order and returns how many rows each one affected.</summary>
    public abstract Task<int[]> ExecuteAsync(IReadOnlyList<Statement> statements);

    public async Task<int> ExecuteAsync(Statement statement) => (await ExecuteAsync([statement]))[0];

    /// <summary>The first column of the first row, or null if there is none.</summary>
    public abstract Task<object?> ScalarAsync(Statement statement);

    public abstract Task SavepointAsync();

    public abstract Task ReleaseSavepointAsync();

    /// <summary>Undoes everything since <see cref="SavepointAsync"/>, and ends the savepoint.</summary>
    public abstract Task RollbackToSavepointAsync();

    public abstract Task CommitAsync();

    public abstract ValueTask DisposeAsync();
}
