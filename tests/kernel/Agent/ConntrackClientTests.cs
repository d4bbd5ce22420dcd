using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

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
    public void Deleting_many_marks_at_once_removes_exactly_their_entries_in_one_pass()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            // 40 entries over marks 1..20 (two each), 10 with mark 500, 5 without a mark.
            for (var i = 0; i < 40; i++)
            {
                Insert("tcp", 31000 + i, (uint)(1 + (i % 20)));
            }

            for (var i = 0; i < 10; i++)
            {
                Insert("udp", 32000 + i, 500u);
            }

            for (var i = 0; i < 5; i++)
            {
                Insert("tcp", 33000 + i, 0u);
            }

            // An IPv6 entry with a listed mark: its delete must carry its own family.
            var v6 = ThrowawayNamespace.Exec("conntrack", "-I", "-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "34000",
                "--dport", "80", "-t", "120", "--state", "ESTABLISHED", "-m", "7");
            Assert.True(v6.ExitCode == 0, v6.Stderr);

            using var client = new ConntrackClient();
            Assert.Equal(56, client.Dump().Total);
            // More marks than the filtered-flush path takes, most with no entries at all.
            var marks = Enumerable.Range(1, 1000).Select(m => (uint)m).Where(m => m != 500).ToList();
            Assert.True(marks.Count > ConntrackClient.FilteredFlushLimit);
            client.DeleteByMarks(marks);

            var tally = client.Dump();
            Assert.Equal(15, tally.Total);
            Assert.Equal(10, tally.ByMark[500]);
            Assert.Single(tally.ByMark);
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
