using System.Text;
using BoxOffice.Contracts;

namespace BoxOffice.UnitTests;

public sealed class PaymentSignatureTests
{
    private const string Secret = "unit-webhook-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"paymentId":"pay_1","status":"paid"}""");
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private static string SignAt(DateTimeOffset time) => PaymentSignature.Sign(Secret, time.ToUnixTimeSeconds(), Body);

    [Fact]
    public void A_signature_is_the_time_and_the_hex_hmac_of_the_time_a_dot_and_the_body()
    {
        var signature = SignAt(Now);

        Assert.Matches("^t=1793534400,v1=[0-9a-f]{64}$", signature);
        Assert.True(PaymentSignature.Verify(Secret, signature, Body, Now, Tolerance));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void The_signed_time_may_be_off_by_the_tolerance_either_way_and_no_more(int offsetSeconds, bool accepted) =>
        Assert.Equal(accepted, PaymentSignature.Verify(Secret, SignAt(Now.AddSeconds(offsetSeconds)), Body, Now, Tolerance));

    [Fact]
    public void Another_body_another_secret_or_another_time_under_the_same_mac_does_not_verify()
    {
        var signature = SignAt(Now);
        var otherTime = signature.Replace("t=1793534400", "t=1793534401", StringComparison.Ordinal);

        Assert.False(PaymentSignature.Verify(Secret, signature, Encoding.UTF8.GetBytes("""{"paymentId":"pay_2","status":"paid"}"""), Now, Tolerance));
        Assert.False(PaymentSignature.Verify("another-secret", signature, Body, Now, Tolerance));
        Assert.False(PaymentSignature.Verify(Secret, otherTime, Body, Now, Tolerance));
    }

    [Fact]
    public void Uppercase_hex_verifies()
    {
        var signature = SignAt(Now);
        var upper = signature[..signature.IndexOf("v1=", StringComparison.Ordinal)] + "v1=" + signature.Split("v1=")[1].ToUpperInvariant();

        Assert.True(PaymentSignature.Verify(Secret, upper, Body, Now, Tolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("t=1793534400")]
    [InlineData("t=1793534400,")]
    [InlineData("t=1793534400,v1=")]
    [InlineData("t=,v1=00")]
    [InlineData("t=+1793534400,v1=00")]
    [InlineData("t=1793534400,v2=00")]
    [InlineData("t=99999999999999999999,v1=00")]
    public void Malformed_headers_do_not_verify(string? header) =>
        Assert.False(PaymentSignature.Verify(Secret, header, Body, Now, Tolerance));
}
