using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

/// <summary>ctnetlink dump, count and delete-by-mark against a real conntrack table in a throwaway namespace.</summary>
public sealed class ConntrackClientTests
{
    /// <summary>conntrack only tracks in a namespace once some rule uses ct; the gateway table does.</summary>
    private static void EnableConntrack() =>
        Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);

    private static void Insert(string protocol, int sourcePort, uint mark)
    {
        var args = new List<string> { "-I", "-p", protocol, "-s", "10.1.0.1", "-d", "10.2.0.1", "--sport", sourcePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dport", "80", "-t", "120" };
        if (protocol == "tcp")
        {
            args.AddRange(["--state", "ESTABLISHED"]);
        }

        if (mark != 0)
        {
            args.AddRange(["-m", mark.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        var result = ThrowawayNamespace.Exec("conntrack", [.. args]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public void A_dump_counts_entries_by_protocol_and_mark()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            for (var i = 0; i < 40; i++)
            {
                Insert("tcp", 10000 + i, i < 25 ? 5u : 0u);
            }

            for (var i = 0; i < 7; i++)
            {
                Insert("udp", 20000 + i, 9);
            }

            using var client = new ConntrackClient();
            var tally = client.Dump();

            Assert.Equal(47, tally.Total);
            Assert.Equal(40, tally.Tcp);
            Assert.Equal(7, tally.Udp);
            Assert.Equal(25, tally.ByMark[5]);
            Assert.Equal(7, tally.ByMark[9]);
            Assert.Equal(47, client.Count());
        });
    }

    [Fact]
    public void Deleting_by_mark_removes_exactly_that_forwards_entries()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            for (var i = 0; i < 10; i++)
            {
                Insert("tcp", 30000 + i, i % 2 == 0 ? 5u : 6u);
            }

            using var client = new ConntrackClient();
            client.DeleteByMark(5);
            client.DeleteByMark(77); // no entries: not an error

            var tally = client.Dump();
            Assert.Equal(5, tally.Total);
            Assert.False(tally.ByMark.ContainsKey(5));
            Assert.Equal(5, tally.ByMark[6]);
        });
    }

    [Fact]
    public void An_empty_table_dumps_as_zero()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            using var client = new ConntrackClient();

            var tally = client.Dump();

            Assert.Equal(0, tally.Total);
            Assert.Equal(0, client.Count());
        });
    }
}
