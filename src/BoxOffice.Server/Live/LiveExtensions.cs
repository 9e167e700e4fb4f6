using Microsoft.Extensions.Options;

namespace BoxOffice.Server.Live;

public static class LiveExtensions
{
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveSocketOptions>()
            .BindConfiguration(LiveSocketOptions.Section)
            .ValidateDataAnnotations()
            .Validate(caps => caps.MaxPerEvent <= caps.MaxTotal, "WebSockets:MaxPerEvent cannot exceed WebSockets:MaxTotal.")
            .ValidateOnStart();
        builder.Services.AddSingleton<LiveSockets>();
        return builder;
    }

    /// <summary>
    /// WebSockets with pings that expect an answer, so a peer that vanished without a close (a laptop
    /// lid shut, a dropped network) is noticed and its place given back.
    /// </summary>
    public static WebApplication UseLiveSockets(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LiveSocketOptions>>().Value;
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = TimeSpan.FromSeconds(options.KeepAliveSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds),
        });
        return app;
    }
}
