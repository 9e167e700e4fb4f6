using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Compat;

/// <summary>The tutorial's routes: whether they are served, and how many flights they may create in all.</summary>
public sealed class CompatOptions
{
    public const string Section = "Compat";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Tutorial flights in the database; past it the oldest flight nobody sits on makes room for a new one.
    /// Lifted, with the per-client creation rate, by <c>Limits:Enabled=false</c>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxFlights { get; set; } = 1_000;
}
