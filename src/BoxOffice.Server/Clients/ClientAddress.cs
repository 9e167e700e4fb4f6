using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Clients;

/// <summary>
/// Who a client is, for limits: its address, or the forwarded address when the request came through a
/// proxy listed in <c>Clients:KnownProxies</c>. Nothing else is trusted to forward, not even loopback,
/// so a client cannot pick its own identity with an <c>X-Forwarded-For</c> header.
/// </summary>
public static class ClientAddress
{
    /// <summary>The key requests from a test host without a connection share.</summary>
    public const string Unknown = "unknown";

    public static WebApplicationBuilder AddClientAddress(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientsOptions>().BindConfiguration(ClientsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ClientsOptions>>((options, clients) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default; behind no proxy that would let any local process pose as anyone.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in clients.Value.KnownProxies)
                options.KnownProxies.Add(IPAddress.Parse(proxy));
        });
        return builder;
    }

    /// <summary>
    /// Reads forwarded headers only when some proxy is trusted: the middleware treats empty lists of
    /// known proxies and networks as "trust every sender", the opposite of what no proxies means here.
    /// </summary>
    public static WebApplication UseClientAddress(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownProxies.Count > 0)
            app.UseForwardedHeaders();
        return app;
    }

    /// <summary>
    /// The client's key: its IPv4 address, or the /64 of its IPv6 address, since one household or
    /// attacker is routinely given a whole /64.
    /// </summary>
    public static string ClientKey(this HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
            return Unknown;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

public sealed class ClientsOptions : IValidatableObject
{
    public const string Section = "Clients";

    /// <summary>Proxies (IP addresses) whose <c>X-Forwarded-For</c> names the client.</summary>
    public string[] KnownProxies { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _))
            .Select(proxy => new ValidationResult($"Clients:KnownProxies has '{proxy}', which is not an IP address.", [nameof(KnownProxies)]));
}
