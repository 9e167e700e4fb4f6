using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using BoxOffice.Server.Staff;
using Microsoft.Extensions.Options;

namespace BoxOffice.Server;

/// <summary>BoxOffice's own instruments. Desks record into them; <see cref="MetricsApi"/> reads them back.</summary>
public sealed class BoxOfficeMetrics
{
    public const string MeterName = "BoxOffice";

    public BoxOfficeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Batches = meter.CreateCounter<long>("boxoffice.desk.batches", description: "Batches desks committed");
        Commands = meter.CreateCounter<long>("boxoffice.desk.commands", description: "Commands answered after a commit");
        SeatChanges = meter.CreateCounter<long>("boxoffice.seat.changes", description: "Seat status changes committed");
        DesksActive = meter.CreateUpDownCounter<long>("boxoffice.desks.active", description: "Desks this process hosts");
        LiveSockets = meter.CreateUpDownCounter<long>("boxoffice.live.sockets", description: "Live WebSockets open in this process");
    }

    public Counter<long> Batches { get; }

    public Counter<long> Commands { get; }

    public Counter<long> SeatChanges { get; }

    public UpDownCounter<long> DesksActive { get; }

    public UpDownCounter<long> LiveSockets { get; }
}

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format: BoxOffice's instruments, summed since start, plus
/// the process's memory. A MeterListener does the collecting, since no exporter package is available here.
/// </summary>
public static class MetricsApi
{
    public static WebApplicationBuilder AddMetricsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var totals = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        // Only this host's meter: several hosts in one process (tests) each have their own.
        var meters = app.ServiceProvider.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BoxOfficeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        // Every BoxOffice instrument is a counter of long: a measurement is a change to add to the total.
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        listener.Start();
        // Resolving the instruments now publishes them, so the listener sees them before the first request.
        app.ServiceProvider.GetRequiredService<BoxOfficeMetrics>();
        app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(listener.Dispose);

        var metrics = app.MapGet("/metrics", () =>
        {
            var text = new StringBuilder();
            foreach (var (name, value) in totals.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                text.Append(CultureInfo.InvariantCulture, $"{name.Replace('.', '_')} {value}\n");
            text.Append(CultureInfo.InvariantCulture, $"process_gc_heap_bytes {GC.GetTotalMemory(forceFullCollection: false)}\n");
            text.Append(CultureInfo.InvariantCulture, $"process_working_set_bytes {Environment.WorkingSet}\n");
            return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4");
        }).ExcludeFromDescription();
        // Load and memory figures help whoever plans an attack as much as whoever runs the service.
        if (!app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Public)
            metrics.RequireStaff(StaffPolicies.Admin);
        return app;
    }
}

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> without the admin token, for a scraper that cannot send one.</summary>
    public bool Public { get; set; }
}
