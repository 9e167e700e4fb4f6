using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace BoxOffice.Testing;

/// <summary>
/// The real server as a child process on real Kestrel, run from its build output as a user would run
/// it: for browser tests, request limits only Kestrel enforces, and surviving SIGKILL.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    // An Orleans silo starts in a few seconds on a quiet machine, but test classes start servers in parallel on two cores.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts a server on a free port with its own database file and admin token, and waits until it is healthy.</summary>
    public static Task<ServerProcess> StartAsync(
        string databasePath, string adminToken, IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var all = With(new() { ["ConnectionStrings:BoxOffice"] = $"Data Source={databasePath}" }, settings);
        return LaunchAsync(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, adminToken, all, cancellationToken);
    }

    /// <summary>Starts a server on a free port on a PostgreSQL database, which several servers may share as a cluster's processes do.</summary>
    public static Task<ServerProcess> StartOnPostgresAsync(
        string connectionString, string adminToken, IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var all = With(new() { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:BoxOffice"] = connectionString }, settings);
        return LaunchAsync(Path.GetTempPath(), adminToken, all, cancellationToken);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
            settings[key] = value;
        return settings;
    }

    private static async Task<ServerProcess> LaunchAsync(
        string workingDirectory, string adminToken, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDllPath(), "--urls", address.ToString().TrimEnd('/') },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["Admin__Token"] = adminToken,
                ["Logging__LogLevel__Default"] = "Warning",
                // Tests play many buyers from one address; tests of the limits pass Limits:Enabled=true.
                ["Limits__Enabled"] = "false",
                // The process runs as deployed, in Production, which refuses the fake payment gateway the tests pay through unless allowed.
                ["Payments__AllowTestMode"] = "true",
            },
        };
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new ServerProcess(process, address);
        // Both pipes must be drained, or a chatty server blocks on a full pipe.
        process.OutputDataReceived += (_, line) => server.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => server.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The last lines the server wrote, for a test to show when it fails.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL: no shutdown hooks, no flushing; whatever was not committed is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines)
            _output.TryDequeue(out _);
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (waited.Elapsed > StartTimeout)
                throw new TimeoutException($"The server did not report healthy within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>The server's build output for this test build's configuration; the project reference builds it first.</summary>
    private static string ServerDllPath()
    {
        var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot(), "src", "BoxOffice.Server", "bin", configuration, "net10.0", "BoxOffice.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the server first: {path} is missing.", path);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BoxOffice.slnx")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds BoxOffice.slnx.");
    }

    private static int FreePort()
    {
        // The port is free when asked; another process could take it before the server binds, which a rerun survives.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
