using System.Security.Cryptography;
using BoxOffice.Testing;

namespace BoxOffice.EndToEndTests;

/// <summary>The real server with its own temporary folder, database and admin token, so the pages are served exactly as a visitor gets them.</summary>
public sealed class BoxOfficeServer : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly DirectoryInfo _dataDirectory;

    private BoxOfficeServer(ServerProcess process, DirectoryInfo dataDirectory, string adminToken)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        AdminToken = adminToken;
    }

    public Uri BaseAddress => _process.Address;

    public string AdminToken { get; }

    public static async Task<BoxOfficeServer> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("boxoffice-e2e-");
        var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        try
        {
            var process = await ServerProcess.StartAsync(Path.Combine(dataDirectory.FullName, "e2e.db"), adminToken, settings, cancellationToken);
            return new BoxOfficeServer(process, dataDirectory, adminToken);
        }
        catch
        {
            dataDirectory.Delete(recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dataDirectory.Delete(recursive: true);
    }
}
