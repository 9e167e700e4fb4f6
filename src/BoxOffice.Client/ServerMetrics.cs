using System.Globalization;
using System.Text;

namespace BoxOffice.Client;

/// <summary>What <c>GET /metrics</c> said, every sample by name, with the few values callers report by name.</summary>
public sealed record ServerMetrics(IReadOnlyDictionary<string, double> Values)
{
    public double WorkingSetMegabytes => Math.Round(Values.GetValueOrDefault("process_working_set_bytes") / 1024 / 1024, 1);

    public double GcHeapMegabytes => Math.Round(Values.GetValueOrDefault("process_gc_heap_bytes") / 1024 / 1024, 1);

    public int ActiveDesks => (int)Values.GetValueOrDefault("boxoffice_desks_active");

    /// <summary>Several servers' metrics, summed by name, so a cluster reads as its total (memory, active desks).</summary>
    public static ServerMetrics Sum(IEnumerable<ServerMetrics> servers)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            foreach (var (name, value) in server.Values)
                totals[name] = totals.GetValueOrDefault(name) + value;
        }
        return new ServerMetrics(totals);
    }

    /// <summary>The Prometheus text format's <c>name value</c> lines; comments and anything else are skipped.</summary>
    internal static ServerMetrics Parse(ReadOnlyMemory<byte> body)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(body.Span).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && !line.StartsWith('#') && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }
        return new ServerMetrics(values);
    }
}
