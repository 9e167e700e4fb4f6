using System.Security.Cryptography;
using BoxOffice.Server.Door;

namespace BoxOffice.UnitTests;

public sealed class TicketCodesTests
{
    private static readonly TicketCode Ticket = new("metropolis", "0123456789abcdef", "F12", 3);
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A verifier that holds only the public half, as a scanner does.</summary>
    private static ECDsa PublicHalf(ECDsa key)
    {
        var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return verifier;
    }

    [Fact]
    public void A_signed_code_is_short_base32_and_the_public_key_alone_reads_back_its_ticket()
    {
        using var key = NewKey();
        using var verifier = PublicHalf(key);

        var code = TicketCodes.Sign(Ticket, key);

        Assert.Matches("^[A-Z2-7]+$", code);
        Assert.InRange(code.Length, 100, 160);
        Assert.Equal(Ticket, TicketCodes.Verify(code, verifier));
        Assert.Equal(Ticket, TicketCodes.Verify(code.ToLowerInvariant(), verifier));
    }

    [Fact]
    public void Flipping_any_single_bit_of_a_code_makes_it_refused()
    {
        using var key = NewKey();
        var code = TicketCodes.Sign(Ticket, key);

        // Every bit of every character: the payload's bits, the signature's bits and the tail's padding bits.
        for (var i = 0; i < code.Length; i++)
        {
            for (var bit = 0; bit < 5; bit++)
            {
                var flipped = code[..i] + Base32[Base32.IndexOf(code[i], StringComparison.Ordinal) ^ (1 << bit)] + code[(i + 1)..];
                Assert.Null(TicketCodes.Verify(flipped, key));
            }
        }
    }

    [Fact]
    public void A_code_signed_by_another_deployments_key_is_refused()
    {
        using var ours = NewKey();
        using var theirs = NewKey();

        Assert.Null(TicketCodes.Verify(TicketCodes.Sign(Ticket, theirs), ours));
    }

    [Fact]
    public void Another_events_ticket_verifies_but_names_its_own_event()
    {
        using var key = NewKey();
        var tomorrow = Ticket with { EventId = "metropolis-tomorrow" };

        Assert.Equal("metropolis-tomorrow", TicketCodes.Verify(TicketCodes.Sign(tomorrow, key), key)?.EventId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a code")]
    [InlineData("AAAAAAAA")]
    [InlineData("ÀBCDEFGH")]
    public void Text_that_is_not_a_code_is_refused_without_an_error(string text)
    {
        using var key = NewKey();

        Assert.Null(TicketCodes.Verify(text, key));
    }

    [Fact]
    public void A_code_with_a_spare_digit_or_longer_than_any_ticket_is_refused()
    {
        using var key = NewKey();
        var code = TicketCodes.Sign(Ticket, key);

        Assert.Null(TicketCodes.Verify(code + "A", key));
        Assert.Null(TicketCodes.Verify(new string('A', TicketCodes.MaxLength + 1), key));
    }
}
