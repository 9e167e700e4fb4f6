using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace BoxOffice.Load;

/// <summary>One scenario's results: a table for people, or one JSON line for scripts (<c>--json</c>).</summary>
public sealed class Report(string scenario)
{
    private readonly List<(string Name, object Value, string Unit)> _rows = [];

    public string Scenario { get; } = scenario;

    public Report Add(string name, object value, string unit = "")
    {
        _rows.Add((name, value, unit));
        return this;
    }

    public Report AddLatencies(string prefix, Latencies latencies) => this
        .Add($"{prefix}p50", Math.Round(latencies.Percentile(50), 1), "ms")
        .Add($"{prefix}p95", Math.Round(latencies.Percentile(95), 1), "ms")
        .Add($"{prefix}p99", Math.Round(latencies.Percentile(99), 1), "ms");

    public void Print(bool json)
    {
        if (json)
        {
            var fields = new Dictionary<string, object> { ["scenario"] = Scenario };
            foreach (var (name, value, _) in _rows)
                fields[name] = value;
            Console.WriteLine(JsonSerializer.Serialize(fields));
            return;
        }
        var table = new Table().Title($"[bold]{Scenario}[/]").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value, unit) in _rows)
            table.AddRow(Markup.Escape(name), Markup.Escape(string.Format(CultureInfo.InvariantCulture, "{0:#,0.##} {1}", value, unit).Trim()));
        AnsiConsole.Write(table);
    }
}
