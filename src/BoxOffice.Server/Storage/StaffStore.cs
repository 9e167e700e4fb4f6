using System.Data.Common;

namespace BoxOffice.Server.Storage;

/// <summary>The staff tables, written once for both dialects like the rest of the store.</summary>
public abstract partial class BookingStore : IStaffStore
{
    private const string AccountColumns = "email, password_hash, role, created_at_ms, failed_logins, locked_until_ms, stamp";
    private const string TokenColumns = "id, account_email, name, role, secret_hash, created_at_ms, revoked_at_ms";

    public async Task<bool> AnyAccountAsync(CancellationToken cancellationToken) =>
        (await ReadAsync("SELECT email FROM staff_accounts LIMIT 1", reader => reader.GetString(0), cancellationToken)).Count > 0;

    public Task<bool> CreateAccountAsync(StaffAccountRow account, CancellationToken cancellationToken) =>
        WriteAsync(async transaction => await transaction.ExecuteAsync(new Statement($"""
            INSERT INTO staff_accounts ({AccountColumns}) VALUES (@email, @hash, @role, @created, 0, 0, @stamp)
            ON CONFLICT (email) DO NOTHING
            """, ("@email", account.Email), ("@hash", account.PasswordHash), ("@role", account.Role), ("@created", account.CreatedAtMs), ("@stamp", account.Stamp))) == 1);

    public async Task<StaffAccountRow?> GetAccountAsync(string email, CancellationToken cancellationToken) =>
        (await ReadAsync($"SELECT {AccountColumns} FROM staff_accounts WHERE email = @email", ReadAccount, cancellationToken, ("@email", email))).FirstOrDefault();

    public async Task<IReadOnlyList<StaffAccountRow>> ListAccountsAsync(CancellationToken cancellationToken) =>
        await ReadAsync($"SELECT {AccountColumns} FROM staff_accounts ORDER BY email LIMIT 1000", ReadAccount, cancellationToken);

    public Task RecordLoginFailureAsync(string email, int maxFailures, long lockedUntilMs, CancellationToken cancellationToken) =>
        WriteAsync(transaction => transaction.ExecuteAsync(new Statement("""
            UPDATE staff_accounts
            SET failed_logins = CASE WHEN failed_logins + 1 >= @max THEN 0 ELSE failed_logins + 1 END,
                locked_until_ms = CASE WHEN failed_logins + 1 >= @max THEN @until ELSE locked_until_ms END
            WHERE email = @email
            """, ("@email", email), ("@max", maxFailures), ("@until", lockedUntilMs))));

    public Task ResetLoginFailuresAsync(string email, CancellationToken cancellationToken) =>
        WriteAsync(transaction => transaction.ExecuteAsync(new Statement(
            "UPDATE staff_accounts SET failed_logins = 0 WHERE email = @email AND failed_logins <> 0", ("@email", email))));

    public Task<bool> UpdateAccountAsync(string email, string? role, string? passwordHash, string stamp, CancellationToken cancellationToken) =>
        WriteAsync(async transaction => await transaction.ExecuteAsync(new Statement("""
            UPDATE staff_accounts SET role = COALESCE(@role, role), password_hash = COALESCE(@hash, password_hash), stamp = @stamp
            WHERE email = @email
            """, ("@email", email), ("@role", role), ("@hash", passwordHash), ("@stamp", stamp))) == 1);

    public Task CreateApiTokenAsync(ApiTokenRow token, CancellationToken cancellationToken) =>
        WriteAsync(transaction => transaction.ExecuteAsync(new Statement($"""
            INSERT INTO api_tokens ({TokenColumns}) VALUES (@id, @email, @name, @role, @hash, @created, NULL)
            """, ("@id", token.Id), ("@email", token.AccountEmail), ("@name", token.Name), ("@role", token.Role), ("@hash", token.SecretHash), ("@created", token.CreatedAtMs))));

    public async Task<ApiTokenRow?> GetApiTokenAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync($"SELECT {TokenColumns} FROM api_tokens WHERE id = @id", ReadToken, cancellationToken, ("@id", id))).FirstOrDefault();

    public async Task<IReadOnlyList<ApiTokenRow>> ListApiTokensAsync(string email, CancellationToken cancellationToken) =>
        await ReadAsync($"SELECT {TokenColumns} FROM api_tokens WHERE account_email = @email ORDER BY created_at_ms LIMIT 1000", ReadToken, cancellationToken, ("@email", email));

    public Task<bool> RevokeApiTokenAsync(string id, string email, long nowMs, CancellationToken cancellationToken) =>
        WriteAsync(async transaction => await transaction.ExecuteAsync(new Statement(
            "UPDATE api_tokens SET revoked_at_ms = @now WHERE id = @id AND account_email = @email AND revoked_at_ms IS NULL",
            ("@id", id), ("@email", email), ("@now", nowMs))) == 1);

    private static StaffAccountRow ReadAccount(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt64(5), reader.GetString(6));

    private static ApiTokenRow ReadToken(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetInt64(6));
}
