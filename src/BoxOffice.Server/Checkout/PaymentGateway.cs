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
