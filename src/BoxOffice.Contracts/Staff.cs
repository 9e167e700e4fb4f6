namespace BoxOffice.Contracts;

/// <summary>The staff roles: <c>admin</c> does everything, <c>boxoffice</c> sells at the counter and manages orders, <c>door</c> checks tickets in.</summary>
public static class StaffRoles
{
    public const string Admin = "admin";
    public const string BoxOffice = "boxoffice";
    public const string Door = "door";

    public static readonly IReadOnlyList<string> All = [Admin, BoxOffice, Door];
}

public sealed record LoginRequest(string? Email, string? Password);

/// <summary>
/// Who is signed in (null when nobody is), and the anti-forgery token every state-changing request of a
/// cookie session sends back in the <c>X-CSRF-TOKEN</c> header.
/// </summary>
public sealed record StaffSession(string? Email, string? Role, string CsrfToken);

public sealed record CreateAccountRequest(string? Email, string? Password, string? Role);

public sealed record UpdateAccountRequest(string? Password, string? Role);

public sealed record StaffAccountView(string Email, string Role, DateTimeOffset CreatedAt, bool Locked);

public sealed record CreateApiTokenRequest(string? Name, string? Role);

/// <summary>A new personal API token: <c>Token</c> is shown this once; only its hash is kept.</summary>
public sealed record ApiTokenCreated(string Id, string Name, string Role, string Token);

public sealed record ApiTokenView(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
