using BoxOffice.Server.Booking;

namespace BoxOffice.UnitTests;

public class PersonNamesTests
{
    [Theory]
    [InlineData("  Ada Lovelace ", "Ada Lovelace")]
    [InlineData("Rene\u0301e", "Ren\u00E9e")]
    [InlineData("Zoë 🎭", "Zoë 🎭")]
    public void Names_are_trimmed_and_stored_in_NFC(string given, string stored)
    {
        Assert.True(PersonNames.TryNormalize(given, out var name));
        Assert.Equal(stored, name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("\u200B")]
    [InlineData("Ada\u200BLovelace")]
    [InlineData("Ada \u202Eecalevol")]
    [InlineData("Ada\u2066Lovelace")]
    [InlineData("Ada\tLovelace")]
    [InlineData("Ada\u0000")]
    public void Invisible_reordering_control_and_broken_characters_are_refused(string? given)
    {
        Assert.False(PersonNames.TryNormalize(given, out _));
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused()
    {
        // Built at run time: an attribute cannot hold an unpaired surrogate.
        Assert.False(PersonNames.TryNormalize("Ada" + (char)0xD800, out _));
    }

    [Fact]
    public void The_length_limit_applies_to_the_stored_form()
    {
        Assert.True(PersonNames.TryNormalize(new string('a', 99) + "e\u0301", out var composed));
        Assert.Equal(100, composed.Length);
        Assert.False(PersonNames.TryNormalize(new string('a', 101), out _));
    }
}
