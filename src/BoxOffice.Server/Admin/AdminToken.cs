using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>The bearer token that is an admin for scripts, and bootstraps the first account: <c>Admin:Token</c>, or one generated and logged once at start.</summary>
public sealed class AdminToken
{
    /// <summary>128 bits of hex at least; a shorter token could be guessed long before a lockout would matter.</summary>
    public const int MinLength = 32;

    private readonly byte[] _expected;

    public AdminToken(string token) => _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Whether a bearer token is this one, in constant time.</summary>
    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin:Token is not set; this run's admin token is {Token}")]
    private static partial void LogGeneratedToken(ILogger logger, string token);
}
