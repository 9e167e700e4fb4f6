using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BoxOffice.Contracts;

/// <summary>
/// The <c>X-Signature</c> header of a payment webhook, in Stripe's style:
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c> with the webhook secret.
/// The time is signed with the body, so a captured webhook stops verifying once it is older than the tolerance.
/// </summary>
public static class PaymentSignature
{
    public const string Header = "X-Signature";

    private const int MacBytes = 32;

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        string.Create(CultureInfo.InvariantCulture, $"t={unixSeconds},v1={Convert.ToHexStringLower(Mac(secret, unixSeconds, body))}");

    /// <summary>
    /// True when <paramref name="header"/> is exactly <c>t=…,v1=…</c>, its time is within <paramref name="tolerance"/>
    /// of <paramref name="now"/> either way, and its MAC (hex in either case) signs <paramref name="body"/>.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        Span<byte> presented = stackalloc byte[MacBytes];
        if (!TryParse(header, out var unixSeconds, presented))
            return false;
        // t is never negative, so the difference cannot overflow.
        if (Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) > (long)tolerance.TotalSeconds)
            return false;
        return CryptographicOperations.FixedTimeEquals(Mac(secret, unixSeconds, body), presented);
    }

    private static bool TryParse(string? header, out long unixSeconds, Span<byte> mac)
    {
        unixSeconds = 0;
        if (header is null || header.Split(',') is not [var time, var signature])
            return false;
        if (!time.StartsWith("t=", StringComparison.Ordinal) || !signature.StartsWith("v1=", StringComparison.Ordinal))
            return false;
        var hex = signature.AsSpan(3);
        return long.TryParse(time.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out unixSeconds)
            && hex.Length == MacBytes * 2
            && Convert.FromHexString(hex, mac, out _, out var written) == OperationStatus.Done
            && written == MacBytes;
    }

    private static byte[] Mac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{unixSeconds}.")));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
