using System.Security.Cryptography;
using System.Text;
using BoxOffice.Contracts;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Staff;

/// <summary>Passwords, lockouts and personal API tokens of staff accounts.</summary>
public sealed class StaffAccounts(IStaffStore store, TimeProvider time, IMemoryCache cache, IOptions<StaffOptions> options)
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 200;
    private const string TokenPrefix = "bo_";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A session re-reads its account at most this often, so a changed password or role ends it within that time.</summary>
    private static readonly TimeSpan StampCacheTime = TimeSpan.FromSeconds(15);

    private readonly PasswordHasher<string> _hasher = new();

    /// <summary>A hash of nothing, checked when the email is unknown, so a wrong email takes as long as a wrong password.</summary>
    private readonly Lazy<string> _decoy = new(() => new PasswordHasher<string>().HashPassword("", RandomNumberGenerator.GetHexString(32)));

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public async Task<bool> CreateAsync(string email, string password, string role, CancellationToken cancellationToken) =>
        await store.CreateAccountAsync(new StaffAccountRow(
            email, _hasher.HashPassword(email, password), role, time.GetUtcNow().ToUnixTimeMilliseconds(), 0, 0, NewStamp()), cancellationToken);

    public async Task<bool> UpdateAsync(string email, string? password, string? role, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAccountAsync(email, role, password is null ? null : _hasher.HashPassword(email, password), NewStamp(), cancellationToken);
        cache.Remove(StampKey(email));
        return updated;
    }

    public async Task<SignIn> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var account = await store.GetAccountAsync(email, cancellationToken);
        if (account is not null && account.LockedUntilMs > now.ToUnixTimeMilliseconds())
            return new SignIn.Locked(DateTimeOffset.FromUnixTimeMilliseconds(account.LockedUntilMs) - now);
        var verdict = _hasher.VerifyHashedPassword(email, account?.PasswordHash ?? _decoy.Value, password);
        if (account is null || verdict == PasswordVerificationResult.Failed)
        {
            if (account is not null)
                await store.RecordLoginFailureAsync(email, options.Value.MaxFailedLogins, now.AddMinutes(options.Value.LockoutMinutes).ToUnixTimeMilliseconds(), cancellationToken);
            return new SignIn.Refused();
        }
        if (account.FailedLogins > 0)
            await store.ResetLoginFailuresAsync(email, cancellationToken);
        return new SignIn.Accepted(account);
    }

    /// <summary>The account's current stamp; null when it no longer exists.</summary>
    public async Task<string?> StampOfAsync(string email) =>
        await cache.GetOrCreateAsync(StampKey(email), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = StampCacheTime;
            return (await store.GetAccountAsync(email, CancellationToken.None))?.Stamp;
        });

    public async Task<TokenIssue> CreateTokenAsync(string email, string name, string role, CancellationToken cancellationToken)
    {
        var live = (await store.ListApiTokensAsync(email, cancellationToken)).Count(token => token.RevokedAtMs is null);
        if (live >= options.Value.MaxApiTokens)
            return new TokenIssue.TooMany(options.Value.MaxApiTokens);
        var id = RandomNumberGenerator.GetString(Alphabet, 12);
        var secret = RandomNumberGenerator.GetString(Alphabet, 32);
        var row = new ApiTokenRow(id, email, name, role, Hash(secret), time.GetUtcNow().ToUnixTimeMilliseconds(), null);
        await store.CreateApiTokenAsync(row, cancellationToken);
        return new TokenIssue.Issued(new ApiTokenCreated(id, name, role, $"{TokenPrefix}{id}_{secret}"));
    }

    /// <summary>The live token a bearer string names, if its secret matches; its account must still exist.</summary>
    public async Task<ApiTokenRow?> FindTokenAsync(string presented)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Split('_') is not [_, var id, var secret] || id.Length != 12 || secret.Length != 32)
            return null;
        var token = await store.GetApiTokenAsync(id, CancellationToken.None);
        if (token is null || token.RevokedAtMs is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(token.SecretHash)))
            return null;
        return await StampOfAsync(token.AccountEmail) is null ? null : token;
    }

    /// <summary>API token secrets are 160 random bits: a plain hash is enough, unlike a password.</summary>
    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static string NewStamp() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    private static string StampKey(string email) => "staff-stamp:" + email;
}

public abstract record SignIn
{
    public sealed record Accepted(StaffAccountRow Account) : SignIn;

    public sealed record Refused : SignIn;

    public sealed record Locked(TimeSpan For) : SignIn;
}

public abstract record TokenIssue
{
    public sealed record Issued(ApiTokenCreated Token) : TokenIssue;

    public sealed record TooMany(int Max) : TokenIssue;
}
