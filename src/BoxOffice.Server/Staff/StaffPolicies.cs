using BoxOffice.Contracts;

namespace BoxOffice.Server.Staff;

/// <summary>The authorization policies staff routes are grouped under; a route's policy is its whole access rule.</summary>
public static class StaffPolicies
{
    /// <summary>Anyone signed in, whatever the role: their own session and tokens.</summary>
    public const string Anyone = "staff";

    public const string Admin = "admin";

    /// <summary>Selling at the counter, orders and cancellations: box-office staff and admins.</summary>
    public const string BoxOffice = "boxoffice";

    /// <summary>Checking tickets in: door staff and admins.</summary>
    public const string Door = "door";

    internal static readonly (string Policy, string[] Roles)[] All =
    [
        (Anyone, [.. StaffRoles.All]),
        (Admin, [StaffRoles.Admin]),
        (BoxOffice, [StaffRoles.Admin, StaffRoles.BoxOffice]),
        (Door, [StaffRoles.Admin, StaffRoles.Door]),
    ];

    /// <summary>The policy, and for a session cookie the anti-forgery token on every state-changing request.</summary>
    public static TBuilder RequireStaff<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).AddEndpointFilter(StaffAuthentication.CheckAntiforgeryAsync);
}
