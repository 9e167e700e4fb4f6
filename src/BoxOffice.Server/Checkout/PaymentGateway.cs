using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Checkout;

/// <summary>Where a buyer pays. The gateway reports the outcome later through the signed webhook.</summary>
public interface IPaymentGateway
{
    Task<Uri> PaymentPageAsync(Uri serverAddress, string paymentId);
}

/// <summary>
/// The built-in gateway: a page of BoxOffice's own with Pay and Decline, <c>/pay/{paymentId}#key=…</c>. The key
/// is the link's capability and rides in the fragment, so it never reaches a server log.
/// </summary>
public sealed class FakePaymentGateway(PaymentLinkKeys keys) : IPaymentGateway
{
    public async Task<Uri> PaymentPageAsync(Uri serverAddress, string paymentId) =>
        new(serverAddress, $"/pay/{Uri.EscapeDataString(paymentId)}#key={await keys.DeriveAsync(paymentId)}");
}

/// <summary>
/// A capability derived rather than stored: HMAC-SHA256 of an id with a secret kept in the database,
/// base64url. So the same Idempotency-Key and body can return it again, and a leaked database row still
/// does not reveal it.
/// </summary>
public abstract class DerivedCapability(IBookingStore store, string secretName)
{
    private readonly StoredSecret _secret = new(store, secretName, () => RandomNumberGenerator.GetBytes(32));

    public async Task<string> DeriveAsync(string id) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(await _secret.GetAsync(), Encoding.UTF8.GetBytes(id)));

    /// <summary>Constant-time, so the time taken tells nothing about how much of a guess was right.</summary>
    public async Task<bool> VerifyAsync(string id, string? presented) =>
        presented is { Length: > 0 and <= 128 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(await DeriveAsync(id)), Encoding.ASCII.GetBytes(presented));
}

/// <summary>Order manage tokens: what reads an order (<c>X-Manage-Token</c>).</summary>
public sealed class OrderTokens(IBookingStore store) : DerivedCapability(store, "order-manage-tokens");

/// <summary>Payment link keys: what shows one payment on the fake gateway's page and decides it (<c>X-Payment-Key</c>).</summary>
public sealed class PaymentLinkKeys(IBookingStore store) : DerivedCapability(store, "payment-links");
