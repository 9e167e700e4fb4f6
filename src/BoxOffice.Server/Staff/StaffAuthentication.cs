using System.Security.Claims;
using System.Text.Encodings.Web;
using BoxOffice.Contracts;
using BoxOffice.Server.Admin;
using BoxOffice.Server.Clients;
using BoxOffice.Server.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Staff;

/// <summary>
/// Who a staff request comes from: a session cookie from signing in at <c>/admin</c>, or a bearer token
/// (<c>Admin:Token</c>, or a personal API token) for scripts. A request with an <c>Authorization</c> header is
/// judged by that header alone, so a script never rides on a browser's session.
/// </summary>
public static partial class StaffAuthentication
{
    public const string Scheme = "staff";
    public const string SessionScheme = "staff-session";
    public const string TokenScheme = "staff-token";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    internal const string StampClaim = "stamp";
    internal const string AdminTokenName = "admin-token";

    public static WebApplicationBuilder AddStaff(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IStaffStore>(services => (IStaffStore)services.GetRequiredService<IBookingStore>());
        builder.Services.AddSingleton<StaffAccounts>();
        builder.Services.AddMemoryCache();
        builder.Services.AddAntiforgery(options =>
        {
            options.HeaderName = CsrfHeader;
            options.Cookie.Name = "boxoffice_csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Staff", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? TokenScheme : SessionScheme)
            .AddScheme<AuthenticationSchemeOptions, StaffTokenHandler>(TokenScheme, null)
            .AddCookie(SessionScheme, options =>
            {
                options.Cookie.Name = "boxoffice_staff";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = ValidateSessionAsync;
                // An API answers, it does not redirect: the console shows its own sign-in form.
                options.Events.OnRedirectToLogin = context => SignInRequired().ExecuteAsync(context.HttpContext);
                options.Events.OnRedirectToAccessDenied = context => RoleRequired(context.HttpContext).ExecuteAsync(context.HttpContext);
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<IOptions<StaffOptions>>((cookie, staff) =>
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(staff.Value.SessionMinutes));
        builder.Services.AddAuthorization(options =>
        {
            foreach (var (policy, roles) in StaffPolicies.All)
                options.AddPolicy(policy, rule => rule.AddAuthenticationSchemes(Scheme).RequireRole(roles));
        });
        return builder;
    }

    internal static ClaimsPrincipal Principal(string name, string role, string authenticationType, string? stamp = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.Role, role) };
        if (stamp is not null)
            claims.Add(new Claim(StampClaim, stamp));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    /// <summary>
    /// A session cookie is ambient: any page the browser visits could make it send one. So a state-changing
    /// request made with it must also carry the anti-forgery token the console read from <c>/api/staff/session</c>.
    /// </summary>
    public static async ValueTask<object?> CheckAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && http.Request.Headers.Authorization.Count == 0)
        {
            try
            {
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return TypedResults.Problem(
                    title: "Anti-forgery token missing or wrong",
                    detail: $"Send the token from GET /api/staff/session in the {CsrfHeader} header.",
                    statusCode: StatusCodes.Status400BadRequest);
            }
        }
        return await next(context);
    }

    internal static IResult SignInRequired() => TypedResults.Problem(
        title: "Staff sign-in required",
        detail: "Sign in at /admin, or send 'Authorization: Bearer <token>' with Admin:Token or a personal API token.",
        statusCode: StatusCodes.Status401Unauthorized);

    internal static IResult RoleRequired(HttpContext http) => TypedResults.Problem(
        title: "Not allowed for your role",
        detail: $"You are signed in as {http.User.FindFirstValue(ClaimTypes.Role) ?? "nobody"}; this needs another role.",
        statusCode: StatusCodes.Status403Forbidden);

    /// <summary>A session ends when its account's stamp moves on: a new password or role, or a removed account.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<StaffAccounts>();
        var email = context.Principal?.FindFirstValue(ClaimTypes.Name);
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        if (email is null || stamp is null || await accounts.StampOfAsync(email) != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionScheme);
        }
    }
}

/// <summary>
/// <c>Authorization: Bearer</c> with <c>Admin:Token</c> (an admin) or a personal API token (its own role).
/// Wrong tokens count against the client, which is locked out (429) once it has spent its allowance.
/// </summary>
internal sealed class StaffTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AdminToken adminToken, StaffAccounts accounts, ClientQuotas quotas)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private TimeSpan? _lockedFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var client = Context.ClientKey();
        if (quotas.AdminFailures.IsSpent(client, out var lockedFor))
        {
            _lockedFor = lockedFor;
            return AuthenticateResult.Fail("Locked out after too many failed authentications.");
        }
        const string Bearer = "Bearer ";
        string header = Request.Headers.Authorization!;
        var presented = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : "";
        if (presented.Length > 0 && adminToken.Matches(presented))
            return Success(StaffAuthentication.Principal(StaffAuthentication.AdminTokenName, StaffRoles.Admin, StaffAuthentication.TokenScheme));
        if (presented.Length > 0 && await accounts.FindTokenAsync(presented) is { } token)
            return Success(StaffAuthentication.Principal(token.AccountEmail, token.Role, StaffAuthentication.TokenScheme));
        quotas.AdminFailures.TryTake(client, out _);
        return AuthenticateResult.Fail("Unknown token.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        (_lockedFor is { } lockedFor
            ? ClientLimits.TooManyRequests(Response, lockedFor, "Too many failed staff authentications from your address; wait and try again.")
            : StaffAuthentication.SignInRequired()).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        StaffAuthentication.RoleRequired(Context).ExecuteAsync(Context);

    private AuthenticateResult Success(ClaimsPrincipal principal) => AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
}
