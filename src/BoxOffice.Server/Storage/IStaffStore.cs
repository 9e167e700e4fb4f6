namespace BoxOffice.Server.Storage;

/// <summary>Staff accounts and their personal API tokens.</summary>
public interface IStaffStore
{
    Task<bool> AnyAccountAsync(CancellationToken cancellationToken);

    /// <summary>False, changing nothing, when an account has the email already.</summary>
    Task<bool> CreateAccountAsync(StaffAccountRow account, CancellationToken cancellationToken);

    Task<StaffAccountRow?> GetAccountAsync(string email, CancellationToken cancellationToken);

    Task<IReadOnlyList<StaffAccountRow>> ListAccountsAsync(CancellationToken cancellationToken);

    /// <summary>Counts a failed login; the one that reaches <paramref name="maxFailures"/> locks the account until <paramref name="lockedUntilMs"/>.</summary>
    Task RecordLoginFailureAsync(string email, int maxFailures, long lockedUntilMs, CancellationToken cancellationToken);

    Task ResetLoginFailuresAsync(string email, CancellationToken cancellationToken);

    /// <summary>A new role or password hash (null keeps it) and a new stamp, which ends the account's sessions.</summary>
    Task<bool> UpdateAccountAsync(string email, string? role, string? passwordHash, string stamp, CancellationToken cancellationToken);

    Task CreateApiTokenAsync(ApiTokenRow token, CancellationToken cancellationToken);

    Task<ApiTokenRow?> GetApiTokenAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiTokenRow>> ListApiTokensAsync(string email, CancellationToken cancellationToken);

    /// <summary>False when the account has no such token, or it was revoked before.</summary>
    Task<bool> RevokeApiTokenAsync(string id, string email, long nowMs, CancellationToken cancellationToken);
}

public sealed record StaffAccountRow(string Email, string PasswordHash, string Role, long CreatedAtMs, int FailedLogins, long LockedUntilMs, string Stamp);

public sealed record ApiTokenRow(string Id, string AccountEmail, string Name, string Role, string SecretHash, long CreatedAtMs, long? RevokedAtMs);
