using System.Reflection;
using System.Text.RegularExpressions;

namespace BoxOffice.Server.Storage;

/// <summary>The numbered, forward-only <c>.sql</c> files of one dialect, embedded in the assembly, in order.</summary>
public static partial class Migrations
{
    public static IReadOnlyList<(int Version, string Sql)> For(string dialect)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = $"{typeof(Migrations).Namespace}.Migrations.{dialect}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name => (Version: int.Parse(FileName().Match(name).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Sql: Read(assembly, name)))
            .OrderBy(migration => migration.Version)
            .ToArray();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.(\d+)_[A-Za-z0-9_]+\.sql$")]
    private static partial Regex FileName();
}
