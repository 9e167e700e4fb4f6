using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;

namespace BoxOffice.EndToEndTests;

/// <summary>
/// The real server, run from its build output as a child process with its own SQLite file and admin token,
/// so the pages are served exactly as a visitor gets them.
/// </summary>
public sealed class BoxOfficeServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly DirectoryInfo _dataDirectory;
    private readonly ConcurrentQueue<string> _output = new();

    private BoxOfficeServer(Process process, DirectoryInfo dataDirectory, Uri baseAddress, string adminToken)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
    }

    public Uri BaseAddress { get; }

    public string AdminToken { get; }

    public static async Task<BoxOfficeServer> StartAsync(CancellationToken cancellationToken)
    {
        var serverDll = ServerDllPath();
        var dataDirectory = Directory.CreateTempSubdirectory("boxoffice-e2e-");
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { serverDll, "--urls", baseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = dataDirectory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__BoxOffice"] = $"Data Source={Path.Combine(dataDirectory.FullName, "e2e.db")}";
        start.Environment["Admin__Token"] = adminToken;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new BoxOfficeServer(process, dataDirectory, baseAddress, adminToken);
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _dataDirectory.Delete(recursive: true);
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
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
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
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>The server's build output for this test build's configuration; the project reference builds it first.</summary>
    private static string ServerDllPath()
    {
        var configuration = typeof(BoxOfficeServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
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
