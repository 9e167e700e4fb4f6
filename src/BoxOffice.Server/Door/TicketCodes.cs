using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BoxOffice.Server.Door;

/// <summary>What a ticket's signed code says: its event, its ticket id (16 hex digits), its seat, and its number in its order.</summary>
public sealed record TicketCode(string EventId, string TicketId, string Seat, int Serial);

/// <summary>
/// Signed ticket codes, short enough for a QR code and checkable offline with the public key alone.
/// The code is Base32 (RFC 4648, no padding) of a binary payload followed by its ECDSA P-256 signature in
/// IEEE P1363 form (r‖s, 64 bytes), which is what WebCrypto verifies. Base32 keeps the QR in its compact
/// alphanumeric mode, and a code typed by hand may be in either case.
/// </summary>
/// <remarks>
/// Payload, version 1: <c>0x01</c>, the event id's length and UTF-8 bytes, the 8 bytes of the ticket id, the
/// seat label's length and UTF-8 bytes, and the serial as a big-endian 16-bit number.
/// </remarks>
public static class TicketCodes
{
    /// <summary>The longest code a valid ticket can have (a 64-character event id and seat label): longer input is refused unread.</summary>
    public const int MaxLength = 320;

    public const int MaxSeatLength = 64;

    private const byte Version = 1;
    private const int TicketIdBytes = 8;
    private const int SignatureBytes = 64;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string NewTicketId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TicketIdBytes));

    public static string Sign(TicketCode ticket, ECDsa key)
    {
        var payload = Payload(ticket);
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return ToBase32([.. payload, .. signature]);
    }

    /// <summary>The ticket the code was signed for with <paramref name="key"/>'s private half; null for anything else, however malformed.</summary>
    public static TicketCode? Verify(string code, ECDsa key)
    {
        if (code.Length > MaxLength || FromBase32(code) is not { Length: > SignatureBytes } bytes)
            return null;
        var payload = bytes.AsSpan(0, bytes.Length - SignatureBytes);
        var signature = bytes.AsSpan(bytes.Length - SignatureBytes);
        if (!key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return null;
        return Parse(payload);
    }

    private static byte[] Payload(TicketCode ticket)
    {
        var eventId = Encoding.UTF8.GetBytes(ticket.EventId);
        var seat = Encoding.UTF8.GetBytes(ticket.Seat);
        var ticketId = Convert.FromHexString(ticket.TicketId);
        if (eventId.Length is 0 or > byte.MaxValue || seat.Length is 0 or > MaxSeatLength || ticketId.Length != TicketIdBytes || ticket.Serial is < 1 or > ushort.MaxValue)
            throw new ArgumentException($"Ticket {ticket} cannot be encoded.", nameof(ticket));
        var payload = new List<byte>(4 + eventId.Length + TicketIdBytes + seat.Length + 2) { Version, (byte)eventId.Length };
        payload.AddRange(eventId);
        payload.AddRange(ticketId);
        payload.Add((byte)seat.Length);
        payload.AddRange(seat);
        payload.Add((byte)(ticket.Serial >> 8));
        payload.Add((byte)ticket.Serial);
        return [.. payload];
    }

    /// <summary>Only ever sees payloads this server signed, but stays total all the same: a key used by an older format must not crash a scan.</summary>
    private static TicketCode? Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || payload[0] != Version)
            return null;
        var eventLength = payload[1];
        var rest = payload[2..];
        if (rest.Length < eventLength + TicketIdBytes + 1)
            return null;
        var eventId = Encoding.UTF8.GetString(rest[..eventLength]);
        var ticketId = Convert.ToHexStringLower(rest.Slice(eventLength, TicketIdBytes));
        rest = rest[(eventLength + TicketIdBytes)..];
        var seatLength = rest[0];
        if (rest.Length != 1 + seatLength + 2)
            return null;
        var seat = Encoding.UTF8.GetString(rest.Slice(1, seatLength));
        return new TicketCode(eventId, ticketId, seat, BinaryPrimitives.ReadUInt16BigEndian(rest[(1 + seatLength)..]));
    }

    private static string ToBase32(byte[] bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = ((buffer << 8) | b) & 0xFFF;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
        }
        if (bits > 0)
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    /// <summary>Null unless every character is a Base32 digit (either case) and the tail is as <see cref="ToBase32"/> writes it.</summary>
    private static byte[]? FromBase32(string text)
    {
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, written = 0;
        foreach (var c in text)
        {
            var value = char.IsAscii(c) ? Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal) : -1;
            if (value < 0)
                return null;
            buffer = ((buffer << 5) | value) & 0xFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[written++] = (byte)(buffer >> bits);
            }
        }
        // Any other tail (set bits, or a whole spare digit) would be a second spelling of the same bytes.
        return bits < 5 && (buffer & ((1 << bits) - 1)) == 0 ? bytes : null;
    }
}
