using System.Diagnostics;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;

namespace Gateway.Bench;

/// <summary>
/// (b) Sampling a conntrack table of N synthetic entries (inserted with <c>conntrack -I</c>, a tenth of them
/// marked as forward 5): the agent's ctnetlink dump + tally vs <c>conntrack -L | wc -l</c>, alternating rounds.
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
        Insert(options.Entries);
        Console.WriteLine();
        Console.WriteLine($"(b) conntrack: inserted {options.Entries:N0} entries with conntrack -I in {fill.Elapsed.TotalSeconds:F0} s");

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
                    cliCount = long.Parse(Shell.Run("sh", "-c", "conntrack -L 2>/dev/null | wc -l").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    cli.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            var countClock = Stopwatch.StartNew();
            client.Count();
            stats.Add(countClock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"    agent dump (ctnetlink, tally by proto/mark)  median {Shell.Ms(Shell.Median(dump))}   [{string.Join(", ", dump.Select(Shell.Ms))}]");
        Console.WriteLine($"    conntrack -L | wc -l                         median {Shell.Ms(Shell.Median(cli))}   [{string.Join(", ", cli.Select(Shell.Ms))}]");
        Console.WriteLine($"    ratio conntrack -L / agent                   {Shell.Median(cli) / Shell.Median(dump):F2}x");
        Console.WriteLine($"    agent total only (IPCTNL_MSG_CT_GET_STATS)   median {Shell.Median(stats):F2} ms");
        Console.WriteLine($"    counted: agent {tally!.Total:N0} (tcp {tally.Tcp:N0}, forward 5: {tally.ByMark.GetValueOrDefault(5u):N0}), conntrack -L {cliCount:N0}");
        return tally.Total == options.Entries && cliCount == options.Entries ? 0 : 1;
    }

    /// <summary>One conntrack -I per entry, 8 at a time (the tool has no batch insert).</summary>
    private static void Insert(int count)
    {
        var lines = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var mark = i % 10 == 0 ? 5 : 0;
            lines.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"-I -p tcp -s 10.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff} -d 192.0.2.1 --sport {1024 + (i % 60000)} --dport 443 -t 3600 --state ESTABLISHED -u ASSURED -m {mark}\n");
        }

        var info = new ProcessStartInfo("sh", ["-c", "xargs -P 8 -L 1 conntrack >/dev/null 2>&1"]) { RedirectStandardInput = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        process.StandardInput.Write(lines.ToString());
        process.StandardInput.Close();
        process.WaitForExit();
    }
}
