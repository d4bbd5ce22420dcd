using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Agent.Nft;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// The counters read over netlink (NFT_MSG_GETOBJ) in a throwaway namespace: the same names and values
/// <c>nft list counters</c> prints, only the gateway table's, and none when the table is absent.
/// </summary>
public sealed partial class NamedCountersTests
{
    // Counters of the same names in another inet table and another family: the reader must not mix them in.
    private const string Tables = """
        table inet gateway {
        	counter rule_5 { packets 40 bytes 4000 }
        	counter log_tried { packets 9 bytes 900 }
        	counter log_logged { packets 18446744073709551 bytes 7 }
        	quota q1 { 100 mbytes }
        	set macs { type ether_addr; elements = { 02:00:00:00:00:01, 02:00:00:00:00:02 } }
        	chain output {
        		type filter hook output priority filter; policy accept;
        		oifname "lo" udp dport 9999 counter name "rule_5" accept
        	}
        }
        table inet other {
        	counter rule_5 { packets 1 bytes 1 }
        	counter rule_6 { packets 2 bytes 2 }
        }
        table ip gateway {
        	counter rule_7 { packets 3 bytes 3 }
        }

        """;

    [Fact]
    public void The_netlink_read_gives_what_nft_lists_for_the_gateway_table_alone()
    {
        ThrowawayNamespace.Run(() =>
        {
            Assert.Empty(NamedCounters.Read(RulesetCompiler.TableName));

            Assert.True(NftApplier.Run(Tables).Ok, "the test tables load");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(0, ThrowawayNamespace.Exec("bash", "-c", "echo x > /dev/udp/127.0.0.1/9999").ExitCode);
            }

            var read = NamedCounters.Read(RulesetCompiler.TableName).ToDictionary(c => c.Name);
            var listed = Listed(ThrowawayNamespace.Exec("nft", "list", "counters", "table", "inet", "gateway").Stdout);

            Assert.Equal(["log_logged", "log_tried", "rule_5"], read.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(listed, read.Values.Select(c => (c.Name, c.Packets, c.Bytes)).OrderBy(c => c.Name, StringComparer.Ordinal));
            Assert.Equal(43, read["rule_5"].Packets);
            Assert.Equal(18446744073709551, read["log_logged"].Packets);
        });
    }

    private static List<(string Name, long Packets, long Bytes)> Listed(string listing) =>
        [.. CounterPattern().Matches(listing)
            .Select(m => (m.Groups[1].Value, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .OrderBy(c => c.Item1, StringComparer.Ordinal)];

    [GeneratedRegex(@"counter (\S+) \{\s*packets ([0-9]+) bytes ([0-9]+)\s*\}")]
    private static partial Regex CounterPattern();
}
