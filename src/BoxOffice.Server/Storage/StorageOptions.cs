using System.ComponentModel.DataAnnotations;

namespace BoxOffice.Server.Storage;

/// <summary>The <c>Storage</c> section, and the connection string <c>ConnectionStrings:BoxOffice</c> it applies to.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string DefaultSqliteConnectionString = "Data Source=data/boxoffice.db";

    [RegularExpression("(?i)^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>From <c>ConnectionStrings:BoxOffice</c>; SQLite has a default, PostgreSQL needs one.</summary>
    public string ConnectionString { get; set; } = "";

    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);
}
