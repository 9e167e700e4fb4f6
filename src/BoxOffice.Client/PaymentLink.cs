using BoxOffice.Contracts;

namespace BoxOffice.Client;

/// <summary>An order's payment link, <c>/pay/{paymentId}#key=…</c>: the payment's id, and the key that opens it at the gateway.</summary>
public sealed record PaymentLink(string PaymentId, string Key)
{
    public static PaymentLink Of(OrderCreated order)
    {
        var url = new Uri(order.PaymentUrl);
        return new PaymentLink(url.Segments[^1], url.Fragment.Split("#key=", 2)[1]);
    }
}
