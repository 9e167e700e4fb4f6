namespace BoxOffice.Contracts;

/// <summary>
/// <c>GET /api/admin/memory</c> (staff): the managed heap just after a full collection, so it holds only what is
/// still referenced, and the process's working set, both in bytes.
/// </summary>
public sealed record ServerMemory(long HeapBytes, long WorkingSetBytes);
