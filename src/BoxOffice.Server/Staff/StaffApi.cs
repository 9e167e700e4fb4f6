using System.Security.Claims;
using System.Text.RegularExpressions;
using BoxOffice.Contracts;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BoxOffice.Server.Staff;

/// <summary>Signing in and out, accounts (admins) and personal API tokens (everyone, for themselves).</summary>
public static partial class StaffApi
{
    public const int MaxEmailLength = 254;
    public const int MaxTokenNameLength = 100;

    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").WithTags("Staff");
        staff.MapGet("/session", Session);
        // Signing in is state-changing too: a forged sign-in would put a victim's browser in an attacker's account.
        staff.MapPost("/login", Login).AddEndpointFilter(StaffAuthentication.CheckAntiforgeryAsync).RequireRateLimiting(ClientLimits.Writes);
        staff.MapPost("/logout", (Delegate)Logout).AddEndpointFilter(StaffAuthentication.CheckAntiforgeryAsync);

        var accounts = staff.MapGroup("/accounts").RequireStaff(StaffPolicies.Admin);
        accounts.MapGet("/", ListAccounts);
        accounts.MapPost("/", CreateAccount);
        accounts.MapPatch("/{email}", UpdateAccount);

        var tokens = staff.MapGroup("/tokens").RequireStaff(StaffPolicies.Anyone);
        tokens.MapGet("/", ListTokens);
        tokens.MapPost("/", CreateToken);
        tokens.MapDelete("/{id}", RevokeToken);
        return app;
    }

    /// <summary>The name an audit log entry gives the caller: the account, the admin token, or else the client's address.</summary>
    public static string Actor(this HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? http.User.FindFirstValue(ClaimTypes.Name)! : "ip:" + http.ClientKey();

    private static Ok<StaffSession> Session(HttpContext http, IAntiforgery antiforgery)
    {
        var token = antiforgery.GetAndStoreTokens(http).RequestToken!;
        var user = http.User.Identity?.IsAuthenticated == true ? http.User : null;
        return TypedResults.Ok(new StaffSession(user?.FindFirstValue(ClaimTypes.Name), user?.FindFirstValue(ClaimTypes.Role), token));
    }

    private static async Task<Results<Ok<StaffSession>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, StaffAccounts accounts, ClientQuotas quotas, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > MaxEmailLength || string.IsNullOrEmpty(request.Password) || request.Password.Length > StaffAccounts.MaxPasswordLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Give the account's email and password."] });
        var client = http.ClientKey();
        if (quotas.AdminFailures.IsSpent(client, out var wait))
            return ClientLimits.TooManyRequests(http.Response, wait, "Too many failed sign-ins from your address; wait and try again.");

        var email = StaffAccounts.NormalizeEmail(request.Email);
        switch (await accounts.SignInAsync(email, request.Password, cancellationToken))
        {
            case SignIn.Locked locked:
                return ClientLimits.TooManyRequests(http.Response, locked.For, "This account is locked after too many wrong passwords; wait and try again.");
            case SignIn.Accepted { Account: var account }:
                var principal = StaffAuthentication.Principal(account.Email, account.Role, StaffAuthentication.SessionScheme, account.Stamp);
                await http.SignInAsync(StaffAuthentication.SessionScheme, principal, new AuthenticationProperties { IsPersistent = false });
                // The anti-forgery token is bound to the user, so the signed-in console needs a fresh one.
                http.User = principal;
                return TypedResults.Ok(new StaffSession(account.Email, account.Role, antiforgery.GetAndStoreTokens(http).RequestToken!));
            default:
                quotas.AdminFailures.TryTake(client, out _);
                return TypedResults.Problem(title: "Sign-in refused", detail: "The email or the password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<NoContent> Logout(HttpContext http)
    {
        await http.SignOutAsync(StaffAuthentication.SessionScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<StaffAccountView[]>> ListAccounts(IStaffStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return TypedResults.Ok((await store.ListAccountsAsync(cancellationToken))
            .Select(a => new StaffAccountView(a.Email, a.Role, DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAtMs), a.LockedUntilMs > now)).ToArray());
    }

    private static async Task<Results<Created<StaffAccountView>, ValidationProblem, ProblemHttpResult>> CreateAccount(
        CreateAccountRequest request, StaffAccounts accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email is null ? null : StaffAccounts.NormalizeEmail(request.Email);
        if (email is null || email.Length > MaxEmailLength || !EmailPattern().IsMatch(email))
            errors["email"] = ["Give an email address such as door@example.com."];
        ValidatePassword(request.Password, errors);
        ValidateRole(request.Role, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (!await accounts.CreateAsync(email!, request.Password!, request.Role!, cancellationToken))
            return TypedResults.Problem(title: "Account exists", detail: $"There is an account for {email} already.", statusCode: StatusCodes.Status409Conflict);
        return TypedResults.Created($"/api/staff/accounts/{email}", new StaffAccountView(email!, request.Role!, time.GetUtcNow(), false));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UpdateAccount(
        string email, UpdateAccountRequest request, StaffAccounts accounts, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Password is not null)
            ValidatePassword(request.Password, errors);
        if (request.Role is not null)
            ValidateRole(request.Role, errors);
        if (request is { Password: null, Role: null })
            errors["role"] = ["Give a new role, a new password, or both."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return await accounts.UpdateAsync(StaffAccounts.NormalizeEmail(email), request.Password, request.Role, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "No such account", detail: $"There is no account for {email}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<ApiTokenView[]>, ProblemHttpResult>> ListTokens(HttpContext http, IStaffStore store, CancellationToken cancellationToken)
    {
        if (AccountOf(http) is not { } email)
            return NoAccount();
        return TypedResults.Ok((await store.ListApiTokensAsync(email, cancellationToken)).Select(t => new ApiTokenView(
            t.Id, t.Name, t.Role, DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedAtMs), t.RevokedAtMs is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null)).ToArray());
    }

    private static async Task<Results<Created<ApiTokenCreated>, ValidationProblem, ProblemHttpResult>> CreateToken(
        CreateApiTokenRequest request, HttpContext http, StaffAccounts accounts, CancellationToken cancellationToken)
    {
        if (AccountOf(http) is not { } email)
            return NoAccount();
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxTokenNameLength || name.Any(char.IsControl))
            errors["name"] = [$"Name the token (1 to {MaxTokenNameLength} characters), for example \"door scanner 2\"."];
        var role = request.Role ?? http.User.FindFirstValue(ClaimTypes.Role)!;
        ValidateRole(role, errors);
        // A token can do what its owner can, or less: only an admin hands out other roles.
        if (!errors.ContainsKey("role") && role != http.User.FindFirstValue(ClaimTypes.Role) && !http.User.IsInRole(StaffRoles.Admin))
            errors["role"] = ["A token can have only your own role."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return await accounts.CreateTokenAsync(email, name!, role, cancellationToken) switch
        {
            TokenIssue.Issued { Token: var token } => TypedResults.Created($"/api/staff/tokens/{token.Id}", token),
            TokenIssue.TooMany { Max: var max } => TypedResults.Problem(
                title: "Too many tokens", detail: $"An account may have {max} tokens; revoke one first.", statusCode: StatusCodes.Status409Conflict),
            var other => throw new InvalidOperationException($"Unexpected result {other}."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(string id, HttpContext http, IStaffStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (AccountOf(http) is not { } email)
            return NoAccount();
        return await store.RevokeApiTokenAsync(id, email, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "No such token", detail: $"You have no live token '{id}'.", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>The signed-in account; the admin token belongs to none.</summary>
    private static string? AccountOf(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.Name) is { } name && name != StaffAuthentication.AdminTokenName ? name : null;

    private static ProblemHttpResult NoAccount() => TypedResults.Problem(
        title: "No account", detail: "Personal tokens belong to an account; sign in with one, or use one of its tokens.", statusCode: StatusCodes.Status400BadRequest);

    private static void ValidatePassword(string? password, Dictionary<string, string[]> errors)
    {
        if (password is null || password.Length < StaffAccounts.MinPasswordLength || password.Length > StaffAccounts.MaxPasswordLength)
            errors["password"] = [$"A password has {StaffAccounts.MinPasswordLength} to {StaffAccounts.MaxPasswordLength} characters."];
    }

    private static void ValidateRole(string? role, Dictionary<string, string[]> errors)
    {
        if (role is null || !StaffRoles.All.Contains(role))
            errors["role"] = [$"Role is one of: {string.Join(", ", StaffRoles.All)}."];
    }

    [GeneratedRegex(@"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}]+$")]
    private static partial Regex EmailPattern();
}
