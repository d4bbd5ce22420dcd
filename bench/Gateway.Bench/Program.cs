using System.Diagnostics;
using System.Globalization;
using Gateway.Bench;

// Benchmarks of the agent's kernel paths, side by side with the nft / conntrack command-line tools.
// Needs root. Each benchmark runs in a network namespace of its own (created and removed here), so the
// host's firewall and conntrack table are never touched:
//   dotnet Gateway.Bench.dll [--rounds N] [--forwards N] [--macs N] [--entries N] [apply] [conntrack]
var options = BenchOptions.Parse(args);
if (options.Inside is { } which)
{
    // Second stage: we are inside the namespace made for us.
    return which switch
    {
        "apply" => ApplyBench.Run(options),
        "conntrack" => ConntrackBench.Run(options),
        _ => 2,
    };
}

Console.WriteLine($"Gateway benchmarks — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, kernel {Environment.OSVersion.Version}, .NET {Environment.Version}");
Console.WriteLine($"rounds: {options.Rounds}");
var status = 0;
foreach (var bench in options.Benchmarks)
{
    status |= RunInFreshNamespace(bench, args);
}

return status;

static int RunInFreshNamespace(string bench, string[] args)
{
    var name = $"gwbench-{Environment.ProcessId}-{bench}";
    Shell.Run("ip", "netns", "add", name);
    try
    {
        var self = Environment.ProcessPath!;
        var dll = typeof(BenchOptions).Assembly.Location;
        var childArgs = new List<string> { "netns", "exec", name, self };
        if (!Path.GetFileNameWithoutExtension(self).Equals("Gateway.Bench", StringComparison.Ordinal))
        {
            childArgs.Add(dll); // started as "dotnet Gateway.Bench.dll"
        }

        childArgs.AddRange(args);
        childArgs.AddRange(["--inside", bench]);
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        childArgs.ForEach(info.ArgumentList.Add);
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }
    finally
    {
        Shell.Run("ip", "netns", "del", name);
    }
}
