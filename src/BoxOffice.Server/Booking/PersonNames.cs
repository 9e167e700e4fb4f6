using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;


namespace BoxOffice.Server.Booking;

/// <summary>
/// Names of people on seats and tickets, in the one form BoxOffice stores: trimmed and in Unicode NFC,
/// so "é" typed as one character or as "e" and an accent is the same name, and with no control or
/// format characters, which are invisible (zero-width spaces) or reorder the text around them (bidi
/// overrides such as U+202E) and so let a name pass for another.
/// </summary>
public static class PersonNames
{
    public const int MaxLength = 100;

    public static readonly string Rule = $"Name must be 1 to {MaxLength} printable characters.";

    public static bool TryNormalize(string? name, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return false;
        var rest = trimmed.AsSpan();
        while (!rest.IsEmpty)
        {
            // An unpaired surrogate is not text at all, and NFC would throw on it.
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return false;
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format)
                return false;
            rest = rest[used..];
        }
        var nfc = trimmed.Normalize(NormalizationForm.FormC);
        if (nfc.Length > MaxLength)
            return false;
        normalized = nfc;
        return true;
    }
}
