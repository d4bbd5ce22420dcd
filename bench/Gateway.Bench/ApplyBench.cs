using System.Diagnostics;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Bench;

/// <summary>
/// (a) Replacing <c>table inet gateway</c> holding N forwards and M MAC filters: the agent's libnftables
/// call vs <c>nft -f</c> of the very same script (same add/delete/table transaction), alternating rounds.
/// </summary>
internal static class ApplyBench
{
    public static int Run(BenchOptions options)
    {
        var config = BuildConfig(options.Forwards, options.Macs);
        var errors = ConfigValidator.Validate(config);
        if (!errors.IsValid)
        {
            Console.Error.WriteLine($"bench config invalid: {errors}");
            return 1;
        }

        var compileClock = Stopwatch.StartNew();
        var table = RulesetCompiler.Compile(config);
        var compileMs = compileClock.Elapsed.TotalMilliseconds;
        var script = NftApplier.ReplaceScript(table);
        var path = Path.Combine(Path.GetTempPath(), $"gwbench-{Environment.ProcessId}.nft");
        File.WriteAllText(path, script);
        var applier = new NftApplier();

        // Warm-up: loads the kernel modules (nat, ct, fib, log) so the first timed round isn't paying for them.
        Check(applier.Replace(table));
        Shell.Run("nft", "-f", path);

        var agent = new List<double>();
        var cli = new List<double>();
        var endToEnd = new List<double>();
        try
        {
            for (var round = 0; round < options.Rounds; round++)
            {
                // Alternate which goes first so neither always inherits the other's freshly-built table.
                for (var turn = 0; turn < 2; turn++)
                {
                    if ((round + turn) % 2 == 0)
                    {
                        var clock = Stopwatch.StartNew();
                        Check(applier.Replace(table));
                        agent.Add(clock.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        var clock = Stopwatch.StartNew();
                        Shell.Run("nft", "-f", path);
                        cli.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                var full = Stopwatch.StartNew();
                ConfigValidator.Validate(config);
                Check(applier.Replace(RulesetCompiler.Compile(config)));
                endToEnd.Add(full.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            File.Delete(path);
        }

        // The counters the agent reads on every replace and every sample: the listing libnftables offers (it fills
        // its cache with every set element first) vs the netlink dump of the counter objects alone.
        var listing = new List<double>();
        var netlink = new List<double>();
        for (var round = 0; round < options.Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            Check(NftApplier.Run($"list counters table inet {RulesetCompiler.TableName}"));
            listing.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var read = NamedCounters.Read(RulesetCompiler.TableName);
            netlink.Add(clock.Elapsed.TotalMilliseconds);
            if (read.Count == 0)
            {
                throw new InvalidOperationException("the netlink read found no counters");
            }
        }

        var listed = applier.ListTable();
        var elements = listed.Split('\n').Count(l => l.Contains(" : ", StringComparison.Ordinal) || l.Contains("02:", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"(a) apply: {options.Forwards:N0} forwards + {options.Macs:N0} MAC filters, script {script.Length / 1024:N0} KiB, compile {Shell.Ms(compileMs)}");
        Console.WriteLine($"    agent (libnftables, one transaction)  median {Shell.Ms(Shell.Median(agent))}   [{string.Join(", ", agent.Select(Shell.Ms))}]");
        Console.WriteLine($"    nft -f (same script)                  median {Shell.Ms(Shell.Median(cli))}   [{string.Join(", ", cli.Select(Shell.Ms))}]");
        Console.WriteLine($"    ratio nft -f / agent                  {Shell.Median(cli) / Shell.Median(agent):F2}x");
        Console.WriteLine($"    agent end to end (validate+compile+apply) median {Shell.Ms(Shell.Median(endToEnd))}");
        Console.WriteLine($"    table listed back: {listed.Length / 1024:N0} KiB");
        Console.WriteLine($"    counters: nft list counters median {Shell.Ms(Shell.Median(listing))}, netlink GETOBJ median {Shell.Ms(Shell.Median(netlink))}, ratio {Shell.Median(listing) / Shell.Median(netlink):F0}x");
        return elements > 0 ? 0 : 1;
    }

    private static void Check(NftResult result)
    {
        if (!result.Ok)
        {
            throw new InvalidOperationException($"apply failed: {result.Error}");
        }
    }

    /// <summary>LAN 10.0.0.1/16; forward i: tcp (udp every third, both every fifth) port 1000+i → 10.0.(i/250).(i%250+2):80.</summary>
    internal static GatewayConfig BuildConfig(int forwardCount, int macCount)
    {
        var forwards = new List<PortForward>(forwardCount);
        for (var i = 0; i < forwardCount; i++)
        {
            var protocol = i % 5 == 0 ? ForwardProtocol.Both : i % 3 == 0 ? ForwardProtocol.Udp : ForwardProtocol.Tcp;
            var target = $"10.0.{i / 250}.{(i % 250) + 2}";
            forwards.Add(new PortForward(i + 1, $"forward {i + 1}", true, protocol, 1000 + i, null, target, 80, null));
        }

        var macs = new List<MacFilter>(macCount);
        for (var i = 0; i < macCount; i++)
        {
            macs.Add(new MacFilter(i + 1, $"02:00:00:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}", $"device {i + 1}"));
        }

        return new GatewayConfig(
            new NetworkSettings("wan0", "br-lan", "10.0.0.1/16"),
            forwards,
            macs,
            new MacPolicy(MacFilterMode.DenyListed),
            LoggingPolicy.Default);
    }
}
