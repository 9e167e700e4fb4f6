using System.CommandLine;
using BoxOffice.Load;
using BoxOffice.Load.Scenarios;

var urls = new Option<string[]>("--url") { Description = "Server address; repeat for several processes", DefaultValueFactory = _ => ["http://127.0.0.1:5080"], AllowMultipleArgumentsPerToken = true };
var adminToken = new Option<string?>("--admin-token") { Description = "Admin token (default: $BOXOFFICE_ADMIN_TOKEN)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BOXOFFICE_ADMIN_TOKEN") };
var json = new Option<bool>("--json") { Description = "Print one machine-readable JSON line instead of a table" };
var seats = new Option<int>("--seats") { DefaultValueFactory = _ => 1000 };
var users = new Option<int>("--users") { DefaultValueFactory = _ => 1200 };
var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 64 };
var duration = new Option<int>("--duration") { Description = "Seconds", DefaultValueFactory = _ => 10 };
var events = new Option<int>("--events") { DefaultValueFactory = _ => 16 };
var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 1000 };
var bookings = new Option<int>("--bookings") { DefaultValueFactory = _ => 200 };
var manyEvents = new Option<int>("--events") { DefaultValueFactory = _ => 10_000 };
var idleSeconds = new Option<int>("--idle-seconds") { Description = "The server's Desks:IdleSeconds", DefaultValueFactory = _ => 300 };
var flights = new Option<int>("--flights") { Description = "Tutorial flights the bookings may spread over, 60 seats each", DefaultValueFactory = _ => 2000 };
var victimPid = new Option<int>("--kill-pid") { Description = "PID of the process at the first --url, which failover kills", Required = true };
var minutes = new Option<int>("--minutes") { DefaultValueFactory = _ => 10 };
var webhookSecret = new Option<string?>("--webhook-secret") { Description = "The server's Payments:WebhookSecret (default: $BOXOFFICE_WEBHOOK_SECRET)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BOXOFFICE_WEBHOOK_SECRET") };

var root = new RootCommand("BoxOffice load and race tool. Every loop is bounded in count and time.");
foreach (var option in new Option[] { urls, adminToken, json })
{
    option.Recursive = true;
    root.Options.Add(option);
}

Command Scenario(string name, string description, Option[] options, Func<ParseResult, Target, CancellationToken, Task<Report[]>> run,
    Func<ParseResult, TimeSpan>? waitsOnPurpose = null)
{
    var command = new Command(name, description);
    foreach (var option in options)
        command.Options.Add(option);
    command.SetAction(async (parse, cancellationToken) =>
    {
        // A hard stop for the whole run, whatever the scenario does; a scenario that waits on purpose (for the
        // server's idle timeout, for a soak's minutes) gets that time on top.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromMinutes(10) + (waitsOnPurpose?.Invoke(parse) ?? TimeSpan.Zero));
        var connectionCount = Math.Max(parse.GetValue(connections), parse.GetValue(users));
        using var target = new Target(parse.GetValue(urls)!.Select(url => new Uri(url, UriKind.Absolute)).ToArray(), parse.GetValue(adminToken), connectionCount);
        try
        {
            foreach (var report in await run(parse, target, bounded.Token))
                report.Print(parse.GetValue(json));
            return 0;
        }
        catch (Exception error) when (error is InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"{name}: {error.Message}");
            return 1;
        }
    });
    return command;
}

root.Subcommands.Add(Scenario("contention", "A fresh event of --seats seats; --users buyers at once, best-available for one seat each",
    [seats, users], async (p, t, c) => [await Rush.ContentionAsync(t, p.GetValue(seats), p.GetValue(users), c)]));
root.Subcommands.Add(Scenario("hotseat", "--users buyers at once for the same named seat; exactly one may win",
    [users], async (p, t, c) => [await Rush.HotSeatAsync(t, p.GetValue(users), c)]));
root.Subcommands.Add(Scenario("throughput", "--connections workers book distinct free seats across --events events for --duration seconds",
    [connections, duration, events], async (p, t, c) => [await SimpleScenarios.ThroughputAsync(t, p.GetValue(connections), TimeSpan.FromSeconds(p.GetValue(duration)), p.GetValue(events), c)]));
root.Subcommands.Add(Scenario("reads", "--connections workers read one seat map for --duration seconds",
    [connections, duration], async (p, t, c) => [await SimpleScenarios.ReadsAsync(t, p.GetValue(connections), TimeSpan.FromSeconds(p.GetValue(duration)), c)]));
root.Subcommands.Add(Scenario("ceiling", "--connections workers call a no-op route for --duration seconds",
    [connections, duration], async (p, t, c) => [await SimpleScenarios.CeilingAsync(t, p.GetValue(connections), TimeSpan.FromSeconds(p.GetValue(duration)), c)]));
root.Subcommands.Add(Scenario("fanout", "--clients WebSocket clients watch one event while --bookings bookings happen",
    [clients, bookings], async (p, t, c) => [await Fanout.RunAsync(t, p.GetValue(clients), p.GetValue(bookings), c)]));
string WebhookSecret(ParseResult parse) =>
    parse.GetValue(webhookSecret) ?? throw new InvalidOperationException("Pass --webhook-secret or set BOXOFFICE_WEBHOOK_SECRET to the server's Payments:WebhookSecret.");

root.Subcommands.Add(Scenario("checkout", "--connections buyers each create an order on a paid event and pay it through the signed webhook, for --duration seconds",
    [connections, duration, webhookSecret], async (p, t, c) => [await CheckoutRush.RunAsync(t, WebhookSecret(p), p.GetValue(connections), TimeSpan.FromSeconds(p.GetValue(duration)), c)]));
root.Subcommands.Add(Scenario("stadium", "A 100,000-seat stadium: cold desk activation, live snapshot size, desk memory",
    [], async (p, t, c) => [await Stadium.RunAsync(t, c)]));
root.Subcommands.Add(Scenario("events", "Creates --events small events and books a seat in each, then waits --idle-seconds for their desks to retire: server memory at each step",
    [manyEvents, idleSeconds], async (p, t, c) => [await ManyEvents.RunAsync(t, p.GetValue(manyEvents), TimeSpan.FromSeconds(p.GetValue(idleSeconds)), c)],
    p => TimeSpan.FromSeconds(p.GetValue(idleSeconds) * 2)));
root.Subcommands.Add(Scenario("soak", "--connections workers run a mix of reads, bookings, cancellations, checkouts with webhooks and tutorial flights, with WebSocket clients coming and going, for --minutes; reported per minute, audited at the end",
    [connections, minutes, webhookSecret], async (p, t, c) => [await Soak.RunAsync(t, WebhookSecret(p), p.GetValue(connections), p.GetValue(minutes), c)],
    p => TimeSpan.FromMinutes(p.GetValue(minutes))));
root.Subcommands.Add(Scenario("tutorial", "--connections workers book seat after seat on the tutorial's /book-seat, each flight made by its first booking, for --duration seconds; then read /seats of 16 of those flights for --duration seconds",
    [connections, duration, flights], async (p, t, c) => [await Tutorial.RunAsync(t, p.GetValue(connections), TimeSpan.FromSeconds(p.GetValue(duration)), p.GetValue(flights), c)]));
root.Subcommands.Add(Scenario("failover", "--connections buyers on every --url book a fresh event hosted by the first one, which is killed (SIGKILL, --kill-pid) once a third of the --seats are sold; the time until a survivor books again, and what was lost",
    [victimPid, connections, seats], async (p, t, c) => [await Failover.RunAsync(t, p.GetValue(victimPid), p.GetValue(connections), p.GetValue(seats), c)]));
root.Subcommands.Add(Scenario("lab", "The contention rush against each race-lab strategy (naive, occ, lock, desk); the server needs --Lab:Enabled=true",
    [seats, users], (p, t, c) => Rush.LabAsync(t, p.GetValue(seats), p.GetValue(users), c)));

return await root.Parse(args).InvokeAsync();
