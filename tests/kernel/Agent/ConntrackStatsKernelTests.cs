using System.Globalization;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The kernel's conntrack counters (IPCTNL_MSG_CT_GET_STATS_CPU) of a real table against <c>conntrack -S</c>.</summary>
public sealed class ConntrackStatsKernelTests
{
    [Fact]
    public void The_counters_match_what_conntrack_S_reports_for_the_same_namespace()
    {
        ThrowawayNamespace.Run(() =>
        {
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);
            for (var i = 0; i < 4; i++)
            {
                Insert(10000 + i);
            }

            // The same tuple again: the kernel refuses it (and counts what it counts for that).
            Assert.NotEqual(0, ThrowawayNamespace.Exec("conntrack", InsertArguments(10000)).ExitCode);

            using var client = new ConntrackClient();
            var ours = client.CpuStats();
            var tool = ThrowawayNamespace.Exec("conntrack", "-S");
            Assert.True(tool.ExitCode == 0, tool.Stderr);
            var theirs = SumConntrackS(tool.Stdout);

            Assert.NotEmpty(theirs);
            foreach (var (name, value) in theirs)
            {
                Assert.True(ours.TryGetValue(name, out var mine), $"{name} missing from {string.Join(", ", ours.Keys)}");
                Assert.Equal(value, mine);
            }

            Assert.Equal(4, client.Totals().Entries);
        });
    }

    private static string[] InsertArguments(int sourcePort) =>
        ["-I", "-p", "udp", "-s", "10.1.0.1", "-d", "10.2.0.1", "--sport", sourcePort.ToString(CultureInfo.InvariantCulture), "--dport", "53", "-t", "120"];

    private static void Insert(int sourcePort)
    {
        var result = ThrowawayNamespace.Exec("conntrack", InsertArguments(sourcePort));
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    /// <summary>"cpu=0 found=0 invalid=3 … chaintoolong=0" lines, summed per name (the cpu number is not a counter).</summary>
    private static Dictionary<string, long> SumConntrackS(string output)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in output.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && parts[0] != "cpu" && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
            {
                sums[parts[0]] = sums.GetValueOrDefault(parts[0]) + value;
            }
        }

        return sums;
    }
}
