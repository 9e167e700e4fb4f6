using System.Security.Cryptography;
using System.Text;

namespace BoxOffice.Server.Checkout;

/// <summary>Where a buyer pays. The gateway reports the outcome later through the signed webhook.</summary>
public interface IPaymentGateway
{
    Uri PaymentPage(Uri serverAddress, string paymentId);
}

/// <summary>The built-in gateway: a page of BoxOffice's own with Pay and Decline buttons (<c>/pay/{paymentId}</c>).</summary>
public sealed class FakePaymentGateway : IPaymentGateway
{
    public Uri PaymentPage(Uri serverAddress, string paymentId) => new(serverAddress, $"/pay/{Uri.EscapeDataString(paymentId)}");
}

/// <summary>HMAC-SHA256 over the raw webhook body with <c>Payments:WebhookSecret</c>, sent as <c>X-Signature: sha256=&lt;hex&gt;</c>.</summary>
public sealed class WebhookSigner(string secret)
{
    public const string Header = "X-Signature";
    private const string Prefix = "sha256=";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    public string Sign(ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, body));

    public bool Verify(ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}

/// <summary>
/// Order manage tokens, derived rather than stored: HMAC of the order id with a secret kept in the
/// database. So the same Idempotency-Key and body can return the token again, and a leaked database
/// row still does not reveal it.
/// </summary>
public sealed class OrderTokens(Storage.IBookingStore store)
{
    private readonly Lazy<Task<byte[]>> _secret = new(() => store.GetSecretAsync("order-manage-tokens", CancellationToken.None));

    public async Task<string> TokenForAsync(string orderId) =>
        System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(await _secret.Value, Encoding.UTF8.GetBytes(orderId)));

    public async Task<bool> VerifyAsync(string orderId, string? presented) =>
        presented is { Length: > 0 and <= 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(await TokenForAsync(orderId)), Encoding.ASCII.GetBytes(presented));
}
