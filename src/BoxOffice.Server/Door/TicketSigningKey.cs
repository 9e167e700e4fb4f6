using System.Security.Cryptography;
using BoxOffice.Server.Storage;

namespace BoxOffice.Server.Door;

/// <summary>
/// The deployment's ticket-signing key: ECDSA P-256, made on first use and kept in the database (PKCS#8 in
/// <c>secrets</c>), so every process and every restart signs and verifies with the same one. Only its public
/// half leaves the server.
/// </summary>
public sealed class TicketSigningKey(IBookingStore store)
{
    private readonly StoredSecret _privateKey = new(store, "ticket-signing-key", () =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKey();
    });

    public async Task<string> SignAsync(TicketCode ticket)
    {
        using var key = await LoadAsync();
        return TicketCodes.Sign(ticket, key);
    }

    public async Task<TicketCode?> VerifyAsync(string code)
    {
        using var key = await LoadAsync();
        return TicketCodes.Verify(code, key);
    }

    /// <summary>The public key as SubjectPublicKeyInfo (DER), which WebCrypto imports as "spki".</summary>
    public async Task<byte[]> PublicKeyAsync()
    {
        using var key = await LoadAsync();
        return key.ExportSubjectPublicKeyInfo();
    }

    // A key object per use: the platform's ECDsa makes no promise about concurrent use of one instance.
    private async Task<ECDsa> LoadAsync()
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(await _privateKey.GetAsync(), out _);
        return key;
    }
}
