using System.Security.Cryptography;
using System.Text;

namespace BoxOffice.Server.Admin;

/// <summary>The bearer token admin routes require: <c>Admin:Token</c>, or one generated and logged once at start.</summary>
public sealed class AdminToken
{
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
        builder.Services.AddSingleton(services =>
        {
            var configured = services.GetRequiredService<IConfiguration>()["Admin:Token"];
            if (!string.IsNullOrWhiteSpace(configured))
                return new AdminToken(configured);
            var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            LogGeneratedToken(services.GetRequiredService<ILoggerFactory>().CreateLogger("BoxOffice.Admin"), generated);
            return new AdminToken(generated);
        });
        return builder;
    }

    /// <summary>Admin routes answer 401 without <c>Authorization: Bearer &lt;Admin:Token&gt;</c>.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var token = context.HttpContext.RequestServices.GetRequiredService<AdminToken>();
            if (!token.Matches(context.HttpContext.Request.Headers.Authorization))
            {
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
