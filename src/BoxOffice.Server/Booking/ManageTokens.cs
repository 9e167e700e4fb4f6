using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;


namespace BoxOffice.Server.Booking;

/// <summary>
/// Public booking references (short, unambiguous, like a record locator) and secret manage tokens.
/// Only a token's SHA-256 is stored, so a leaked database does not hand out control of bookings.
/// </summary>
public static class ManageTokens
{
    private const string ReferenceAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public const int ReferenceLength = 8;

    public static string NewReference() => RandomNumberGenerator.GetString(ReferenceAlphabet, ReferenceLength);

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Verify(string? presented, string storedHash) =>
        presented is { Length: > 0 and <= 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));
}
