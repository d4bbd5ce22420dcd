using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The real kernel seam in a throwaway namespace: named counters, fingerprints, links, forwarding.</summary>
public sealed class RulesetKernelTests
{
    // A rule counting into a named counter, and a meter-like dynamic set filled by packets.
    private const string Table = """
        table inet gateway {
        	counter rule_5 { packets 40 bytes 4000 }
        	set seen4 { type ipv4_addr; size 1024; flags dynamic,timeout; timeout 1m; }
        	chain output {
        		type filter hook output priority filter; policy accept;
        		oifname "lo" udp dport 9999 add @seen4 { ip daddr } counter name "rule_5" accept
        	}
        }

        """;

    private static void SendUdp(int count) =>
        Assert.Equal(0, ThrowawayNamespace.Exec("bash", "-c", $"for i in $(seq {count}); do echo x > /dev/udp/127.0.0.1/9999; done; exit 0").ExitCode);

    [Fact]
    public void Named_counters_are_read_with_their_starting_values_and_the_packets_since()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.Empty(kernel.ReadCounters());

            Assert.True(kernel.Replace(Table).Ok);
            SendUdp(3);

            var hits = Assert.Single(kernel.ReadCounters());
            Assert.Equal(5, hits.Key);
            Assert.Equal(43, hits.Value.Packets);
            Assert.True(hits.Value.Bytes > 4000);
        });
    }

    [Fact]
    public void The_generation_moves_with_every_commit_in_any_table_but_not_with_packets_or_listings()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.True(kernel.Replace(Table).Ok);
            var written = kernel.Generation();
            Assert.NotNull(written);

            SendUdp(2);
            Assert.NotNull(kernel.Fingerprints());
            Assert.Contains("127.0.0.1", ThrowawayNamespace.Exec("nft", "list", "ruleset").Stdout, StringComparison.Ordinal);
            Assert.Equal(written, kernel.Generation());

            Assert.True(kernel.UpdateElements("add element inet gateway seen4 { 10.0.0.1 }\n").Ok);
            var updated = kernel.Generation();
            Assert.NotEqual(written, updated);

            // A refused batch commits nothing.
            Assert.False(kernel.UpdateElements("delete element inet gateway seen4 { 10.9.9.9 }\n").Ok);
            Assert.Equal(updated, kernel.Generation());

            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "add", "table", "ip", "someone_else").ExitCode);
            Assert.NotEqual(updated, kernel.Generation());
        });
    }

    [Fact]
    public void Element_updates_leave_the_structure_fingerprint_and_change_the_contents_one()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.True(kernel.Replace("table inet gateway {\n\tset s { type ipv4_addr; elements = { 10.0.0.1 } }\n}\n").Ok);
            var before = kernel.Fingerprints();
            Assert.NotNull(before);

            Assert.True(kernel.UpdateElements("delete element inet gateway s { 10.0.0.1 }\nadd element inet gateway s { 10.0.0.2 }\n").Ok);
            var after = kernel.Fingerprints();

            Assert.NotNull(after);
            Assert.Equal(before.Structure, after.Structure);
            Assert.NotEqual(before.Content, after.Content);
        });
    }

    [Fact]
    public void The_fingerprint_ignores_counting_and_meter_entries_but_not_a_rebuild_or_an_edit()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.Null(kernel.Fingerprint());
            Assert.True(kernel.Replace(Table).Ok);
            var fingerprint = kernel.Fingerprint();
            Assert.NotNull(fingerprint);

            SendUdp(2);
            Assert.Contains("127.0.0.1", ThrowawayNamespace.Exec("nft", "list", "set", "inet", "gateway", "seen4").Stdout, StringComparison.Ordinal);
            Assert.Equal(fingerprint, kernel.Fingerprint());

            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "add", "rule", "inet", "gateway", "output", "tcp", "dport", "1", "accept").ExitCode);
            var edited = kernel.Fingerprint();
            Assert.NotEqual(fingerprint, edited);

            // The same text loaded again is a new table (new handles): someone rebuilt it.
            Assert.True(kernel.Replace(Table).Ok);
            var rebuilt = kernel.Fingerprint();
            Assert.NotEqual(edited, rebuilt);
            Assert.True(kernel.Replace(Table).Ok);
            Assert.NotEqual(rebuilt, kernel.Fingerprint());
        });
    }

    [Fact]
    public void Links_and_forwarding_are_those_of_the_calling_threads_namespace()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.True(kernel.LinkExists("lo"));
            Assert.False(kernel.LinkExists("br-lan"));
            Assert.Equal(0, ThrowawayNamespace.Exec("ip", "link", "add", "br-lan", "type", "bridge").ExitCode);
            Assert.True(kernel.LinkExists("br-lan"));
            Assert.False(kernel.LinkExists("br-la"));

            Assert.Equal(0, ThrowawayNamespace.Exec("sysctl", "-qw", "net.ipv4.ip_forward=0").ExitCode);
            Assert.True(kernel.EnableIpv4Forwarding());
            Assert.False(kernel.EnableIpv4Forwarding());
            Assert.Equal("1", ThrowawayNamespace.Exec("cat", "/proc/sys/net/ipv4/ip_forward").Stdout.Trim());
        });
    }
}
