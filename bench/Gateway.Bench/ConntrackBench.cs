using System.Diagnostics;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;

namespace Gateway.Bench;

/// <summary>
/// (b) Sampling a conntrack table of N synthetic entries (inserted through ctnetlink, a tenth of them
/// marked as forward 5): the agent's sample vs <c>conntrack -L &gt; /dev/null</c>, alternating rounds.
/// </summary>
internal static class ConntrackBench
{
    public static int Run(BenchOptions options)
    {
        // conntrack only tracks in a fresh namespace once a rule uses ct; the gateway table does.
        var applied = new NftApplier().Replace(RulesetCompiler.Compile(ApplyBench.BuildConfig(10, 0)));
        if (!applied.Ok)
        {
            Console.Error.WriteLine(applied.Error);
            return 1;
        }

        var fill = Stopwatch.StartNew();
        ConntrackFill.Fill(options.Entries);
        Console.WriteLine();
        Console.WriteLine($"(b) conntrack: inserted {options.Entries:N0} entries through ctnetlink in {fill.Elapsed.TotalSeconds:F1} s");

        using var client = new ConntrackClient();
        client.Dump(); // warm-up: JIT and the first walk of a cold table are not what a 1 s sampler pays
        var dump = new List<double>();
        var stats = new List<double>();
        var cli = new List<double>();
        ConntrackTally? tally = null;
        long cliCount = 0;
        for (var round = 0; round < options.Rounds; round++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                if ((round + turn) % 2 == 0)
                {
                    var clock = Stopwatch.StartNew();
                    tally = client.Dump();
                    dump.Add(clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    var clock = Stopwatch.StartNew();
                    Shell.Run("sh", "-c", "conntrack -L >/dev/null 2>&1");
                    cli.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            // What the sampler sends every second between dumps: the totals and the per-CPU counters.
            var countClock = Stopwatch.StartNew();
            client.Totals();
            client.CpuStats();
            stats.Add(countClock.Elapsed.TotalMilliseconds);
        }

        cliCount = long.Parse(Shell.Run("sh", "-c", "conntrack -L 2>/dev/null | wc -l").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"    agent dump (ctnetlink, tally by proto/mark)  median {Shell.Ms(Shell.Median(dump))}   [{string.Join(", ", dump.Select(Shell.Ms))}]");
        Console.WriteLine($"    conntrack -L > /dev/null                     median {Shell.Ms(Shell.Median(cli))}   [{string.Join(", ", cli.Select(Shell.Ms))}]");
        Console.WriteLine($"    ratio agent / conntrack -L                   {Shell.Median(dump) / Shell.Median(cli):F2}x (goal <= 0.6x)");
        Console.WriteLine($"    agent totals + counters (GET_STATS, _CPU)   median {Shell.Median(stats):F2} ms");
        Console.WriteLine($"    counted: agent {tally!.Total:N0} (tcp {tally.Tcp:N0}, forward 5: {tally.ByMark.GetValueOrDefault(5u):N0}), conntrack -L {cliCount:N0}");
        return tally.Total == options.Entries && cliCount == options.Entries ? 0 : 1;
    }
}
