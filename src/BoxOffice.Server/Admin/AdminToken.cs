using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.Server.Clients;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Admin;

public sealed class AdminOptions : IValidatableObject
{
    public const string Section = "Admin";

    /// <summary>The bearer token of admin routes; generated and logged once at start when unset or blank.</summary>
    public string? Token { get; set; }

    /// <summary>Allows <c>POST /api/admin/crash</c>, for trying recovery by hand.</summary>
    public bool AllowCrash { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Token) && Token.Length < AdminToken.MinLength)
            yield return new ValidationResult($"Admin:Token must be at least {AdminToken.MinLength} characters; leave it unset to have one generated.", [nameof(Token)]);
    }
}

/// <summary>The bearer token admin routes require: <c>Admin:Token</c>, or one generated and logged once at start.</summary>
public sealed class AdminToken
{
    /// <summary>128 bits of hex at least; a shorter token could be guessed long before a lockout would matter.</summary>
    public const int MinLength = 32;

    private readonly byte[] _expected;

    public AdminToken(string token) => _expected = Encoding.UTF8.GetBytes(token);

    public bool Matches(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}

public static partial class AdminExtensions
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var configured = services.GetRequiredService<IOptions<AdminOptions>>().Value.Token;
            if (!string.IsNullOrWhiteSpace(configured))
                return new AdminToken(configured);
            var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            LogGeneratedToken(services.GetRequiredService<ILoggerFactory>().CreateLogger("BoxOffice.Admin"), generated);
            return new AdminToken(generated);
        });
        return builder;
    }

    /// <summary>
    /// Admin routes answer 401 without <c>Authorization: Bearer &lt;Admin:Token&gt;</c>. A client that fails
    /// too often is locked out (429) until its window ends, whatever token it sends next.
    /// </summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AdminRoute.Instance).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var failures = http.RequestServices.GetRequiredService<ClientQuotas>().AdminFailures;
            var client = http.ClientKey();
            if (failures.IsSpent(client, out var lockedFor))
                return ClientLimits.TooManyRequests(http.Response, lockedFor, "Too many failed admin authentications from your address; wait and try again.");
            if (!http.RequestServices.GetRequiredService<AdminToken>().Matches(http.Request.Headers.Authorization))
            {
                failures.TryTake(client, out _);
                return TypedResults.Problem(
                    title: "Admin token required",
                    detail: "Send the header 'Authorization: Bearer <Admin:Token>'.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            return await next(context);
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin:Token is not set; this run's admin token is {Token}")]
    private static partial void LogGeneratedToken(ILogger logger, string token);
}

/// <summary>Marks an endpoint as staff-only, so a test can find every such route and knock on it without a token.</summary>
public sealed class AdminRoute
{
    public static readonly AdminRoute Instance = new();

    private AdminRoute()
    {
    }
}
