using BoxOffice.Server.Checkout;

namespace BoxOffice.UnitTests;

public class DerivedCapabilityTests
{
    [Fact]
    public async Task A_secret_that_failed_to_load_at_first_use_is_read_again_at_the_next()
    {
        var reads = 0;
        var store = new InMemoryBookingStore
        {
            ReadSecret = _ => ++reads == 1
                ? Task.FromException<byte[]>(new TimeoutException("The database was busy."))
                : Task.FromResult(new byte[32]),
        };
        var tokens = new OrderTokens(store);

        await Assert.ThrowsAsync<TimeoutException>(() => tokens.DeriveAsync("ord_a"));
        var token = await tokens.DeriveAsync("ord_a");

        Assert.True(await tokens.VerifyAsync("ord_a", token));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_secret_that_loaded_is_read_once()
    {
        var reads = 0;
        var store = new InMemoryBookingStore
        {
            ReadSecret = _ =>
            {
                reads++;
                return Task.FromResult(new byte[32]);
            },
        };
        var tokens = new OrderTokens(store);

        var first = await tokens.DeriveAsync("ord_a");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => tokens.DeriveAsync("ord_b")));

        Assert.Equal(first, await tokens.DeriveAsync("ord_a"));
        Assert.Equal(1, reads);
    }
}
