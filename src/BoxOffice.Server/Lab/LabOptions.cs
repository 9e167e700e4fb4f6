using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Lab;

/// <summary>The race lab: off unless <c>Lab:Enabled=true</c>, SQLite only, and bounded so one run cannot swamp the server.</summary>
public sealed class LabOptions
{
    public const string Section = "Lab";

    public bool Enabled { get; set; }

    /// <summary>The naive, occ and lock strategies' pause between reading a seat and writing it.</summary>
    [Range(0, 1_000)]
    public int DelayMs { get; set; } = 2;

    [Range(1, 100_000)]
    public int MaxSeats { get; set; } = 5_000;

    [Range(1, 100_000)]
    public int MaxBuyers { get; set; } = 5_000;
}
