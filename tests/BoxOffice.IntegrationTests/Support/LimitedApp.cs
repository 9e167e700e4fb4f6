using System.Net;
using BoxOffice.Client;
using BoxOffice.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// The server with its per-client limits on, a clock the test moves, and clients told apart: the test
/// server has no connections, so a request's address comes from the <see cref="AddressHeader"/> header.
/// </summary>
public sealed class LimitedApp(IReadOnlyDictionary<string, string>? settings = null) : BoxOfficeApp
{
    public const string AddressHeader = "X-Test-Remote-Address";

    public ManualTime Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Limits:Enabled", "true");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>();
        });
    }

    /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
    public HttpClient CreateClient(string address)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    /// <summary>A typed client whose requests come from <paramref name="address"/>; staff routes get the admin token.</summary>
    public BoxOfficeClient CreateApiClientFrom(string address) => new(CreateClient(address), AdminToken);

    /// <summary>Runs before the server's own pipeline, as a connection's address would be set before any middleware.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader], out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
