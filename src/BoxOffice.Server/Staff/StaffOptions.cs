using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Staff;

public sealed class StaffOptions
{
    public const string Section = "Staff";

    /// <summary>A session ends this long after its last request.</summary>
    [Range(5, 10_080)]
    public int SessionMinutes { get; set; } = 480;

    /// <summary>Wrong passwords in a row that lock an account.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(1, 1_440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Personal API tokens one account may have that are not revoked.</summary>
    [Range(1, 1_000)]
    public int MaxApiTokens { get; set; } = 20;
}
