using System.Net;
using BoxOffice.Contracts;
using Microsoft.AspNetCore.Hosting;

namespace BoxOffice.IntegrationTests;

/// <summary>
/// The server with the race lab on, and a read-to-write gap wide enough that races are certain. Its one full run
/// is shared by the tests that read its results; the tests of one class run one after another, so never two runs at once.
/// </summary>
public sealed class LabApp : BoxOfficeApp
{
    public const int RunSeats = 50;
    public const int RunBuyers = 80;

    private Task<LabRun>? _run;

    public Task<LabRun> Run => _run ??= RunAsync(RunSeats, RunBuyers);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Lab:Enabled", "true");
        builder.UseSetting("Lab:DelayMs", "20");
        builder.UseSetting("Lab:MaxSeats", "200");
        builder.UseSetting("Lab:MaxBuyers", "300");
    }

    /// <summary>Starts a run and follows its server-sent events to the end.</summary>
    public async Task<LabRun> RunAsync(int seats, int buyers)
    {
        using var api = CreateApiClient();
        var started = await api.StartLabRunAsync(new StartLabRunRequest(seats, buyers));
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        return await FollowAsync(started.Value.Id);
    }

    public async Task<LabRun> FollowAsync(string runId)
    {
        using var api = CreateApiClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        return await api.FollowLabRunAsync(runId, timeout.Token);
    }
}
