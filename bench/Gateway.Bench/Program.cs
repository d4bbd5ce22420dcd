using Gateway.Bench;
using Gateway.Bench.E2e;

// Benchmarks of Gateway, side by side with the nft / conntrack command-line tools. Needs root. apply and conntrack
// run in a network namespace of their own (created and removed here); e2e builds a lab with scripts/lab.sh, so the
// host's firewall and conntrack table are never touched:
//   dotnet Gateway.Bench.dll [--rounds N] [--forwards N] [--macs N] [--rules N] [--entries N] [--small N]
//     [--samples N] [--writers N] [--writes N] [--wrk-seconds N] [--parts abcdef] [--agent aot|jit|PATH]
//     [apply] [conntrack] [connections] [e2e] [profile] [memory] [accounting]
var options = BenchOptions.Parse(args);
if (options.Inside is { } which)
{
    // Second stage: we are inside the namespace made for us.
    return which switch
    {
        "apply" => ApplyBench.Run(options),
        "conntrack" => ConntrackBench.Run(options),
        "connections" => ConnectionsBench.Run(options),
        "ctfill" => ConntrackFill.Fill(options.Entries) == options.Entries ? 0 : 1,
        "ctfill-lan" => ConntrackFill.FillFromLan(options.Entries) == options.Entries ? 0 : 1,
        _ => 2,
    };
}

Console.WriteLine($"Gateway benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, kernel {Environment.OSVersion.Version}, .NET {Environment.Version}");
Console.WriteLine($"rounds: {options.Rounds}");
var status = 0;
foreach (var bench in options.Benchmarks)
{
    status |= bench switch
    {
        "e2e" => await E2eBench.RunAsync(options),
        "profile" => await ProfileBench.RunAsync(options, E2eBench.RepoRoot(), BenchLab.ResolveAgent(E2eBench.RepoRoot(), options.Agent)),
        "memory" => await MemoryBench.RunAsync(options),
        "accounting" => await AccountingBench.RunAsync(options),
        _ => RunInFreshNamespace(bench, args),
    };
}

return status;

static int RunInFreshNamespace(string bench, string[] args)
{
    var name = $"gwbench-{Environment.ProcessId}-{bench}";
    Shell.Run("ip", "netns", "add", name);
    try
    {
        return Self.RunInside(name, bench, args);
    }
    finally
    {
        Shell.Run("ip", "netns", "del", name);
    }
}
