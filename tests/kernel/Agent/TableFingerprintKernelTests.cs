using Gateway.Agent.Nft;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// The table's fingerprints read over netlink (<see cref="RulesetKernel.Fingerprints"/>) in a throwaway namespace:
/// what packets move (counters, quotas, meters, element counters) leaves both as they are; what someone commits
/// with <c>nft</c> changes the structure or the contents as the drift check means them.
/// </summary>
public sealed class TableFingerprintKernelTests
{
    // Something of every kind packets move: rule and element counters, a quota that runs out, a meter, a dynamic
    // set; and a forward map, a verdict map jumping to a chain, a MAC pinhole set, miniupnpd's chain.
    private const string Table = """
        table inet gateway {
        	counter rule_5 { packets 40 bytes 4000 }
        	quota quota_5 { over 100 bytes }
        	limit dos_syn { rate over 10/second burst 5 packets }
        	set seen4 { type ipv4_addr; size 1024; flags dynamic,timeout; timeout 1m; }
        	set meter4 { type ipv4_addr; size 1024; flags dynamic,timeout; timeout 1m; }
        	set counted { type ipv4_addr; counter; elements = { 127.0.0.1 } }
        	set ph_mac_7 { type ipv6_addr; }
        	map pf_dnat { type inet_service : ipv4_addr . inet_service; elements = { 8080 : 10.0.0.2 . 80 } }
        	map jumps { type inet_service : verdict; elements = { 9998 : jump counted_chain } }
        	chain counted_chain {
        		counter
        	}
        	chain upnp_dstnat {
        	}
        	chain output {
        		type filter hook output priority filter; policy accept;
        		udp dport vmap @jumps
        		oifname "lo" ip daddr @counted
        		oifname "lo" udp dport 9999 add @seen4 { ip daddr } counter name "rule_5" quota name "quota_5" accept
        		oifname "lo" udp dport 9999 add @meter4 { ip daddr limit rate over 1/second } counter
        		oifname "lo" udp dport { 9999, 9998 } counter quota over 50 bytes
        	}
        }

        """;

    private static void SendUdp(int port, int count) =>
        Assert.Equal(0, ThrowawayNamespace.Exec("bash", "-c", $"for i in $(seq {count}); do echo xxxxxxxxxxxxxxxxxxxx > /dev/udp/127.0.0.1/{port}; done; exit 0").ExitCode);

    private static string Nft(params string[] args)
    {
        var result = ThrowawayNamespace.Exec("nft", args);
        Assert.True(result.ExitCode == 0, $"nft {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    [Fact]
    public void Two_reads_and_traffic_leave_both_fingerprints_as_they_are()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.True(kernel.Replace(Table).Ok);
            var before = kernel.Fingerprints();
            Assert.NotNull(before);
            Assert.Equal(before, kernel.Fingerprints());

            SendUdp(9999, 5);
            SendUdp(9998, 3);

            // The packets did move what the fingerprint must not see.
            var listing = Nft("list", "table", "inet", "gateway");
            Assert.Matches(@"quota quota_5 \{\s*over 100 bytes used 100 bytes", listing); // depleted
            Assert.Matches(@"counter packets [1-9][0-9]* bytes [0-9]+ quota over 50 bytes used 50 bytes", listing);
            Assert.Matches(@"set seen4 \{[^}]*elements = \{ 127\.0\.0\.1 expires", listing);
            Assert.Contains("127.0.0.1 limit rate over 1/second expires", listing, StringComparison.Ordinal);
            Assert.Matches(@"127\.0\.0\.1 counter packets [1-9]", listing);
            Assert.Matches(@"counted_chain \{\s*counter packets [1-9]", listing);

            Assert.Equal(before, kernel.Fingerprints());
        });
    }

    [Fact]
    public void What_the_agent_and_miniupnpd_fill_between_applies_and_other_tables_leave_it_as_it_is()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.Null(kernel.Fingerprints());
            Assert.True(kernel.Replace(Table).Ok);
            var before = kernel.Fingerprints();

            Nft("add", "element", "inet", "gateway", "ph_mac_7", "{ 2001:db8::7 }");
            Nft("add", "element", "inet", "gateway", "seen4", "{ 10.9.9.9 }");
            Nft("add", "rule", "inet", "gateway", "upnp_dstnat", "tcp", "dport", "1234", "dnat", "ip", "to", "10.0.0.3:1234");
            Assert.Equal(0, ThrowawayNamespace.Exec("sh", "-c", """
                nft -f - <<'EOF'
                table inet other {
                	set s { type ipv4_addr; elements = { 10.1.1.1 } }
                	chain output { type filter hook output priority filter; udp dport 7 counter accept; }
                }
                table ip gateway {
                	chain c {
                		counter
                	}
                }
                EOF
                """).ExitCode);

            Assert.Equal(before, kernel.Fingerprints());
        });
    }

    [Fact]
    public void Rules_chains_and_rule_expressions_change_the_structure_elements_of_a_forward_map_the_contents()
    {
        ThrowawayNamespace.Run(() =>
        {
            var kernel = new RulesetKernel(new NftApplier());
            Assert.True(kernel.Replace(Table).Ok);
            var last = kernel.Fingerprints()!;

            TableFingerprints Changed(bool structure)
            {
                var now = kernel.Fingerprints();
                Assert.NotNull(now);
                Assert.NotEqual(last.Content, now.Content);
                if (structure)
                {
                    Assert.NotEqual(last.Structure, now.Structure);
                }
                else
                {
                    Assert.Equal(last.Structure, now.Structure);
                }

                last = now;
                return now;
            }

            Nft("add", "element", "inet", "gateway", "pf_dnat", "{ 8081 : 10.0.0.4 . 81 }");
            Changed(structure: false);
            Nft("delete", "element", "inet", "gateway", "pf_dnat", "{ 8080 }");
            Changed(structure: false);
            Nft("add", "element", "inet", "gateway", "counted", "{ 10.2.2.2 }");
            Changed(structure: false);

            var beforeRule = last;
            Nft("add", "rule", "inet", "gateway", "output", "tcp", "dport", "1", "accept");
            Changed(structure: true);
            var handle = Handle(Nft("-a", "list", "chain", "inet", "gateway", "output"), "tcp dport 1 accept");
            Nft("replace", "rule", "inet", "gateway", "output", "handle", handle, "tcp", "dport", "2", "accept");
            Changed(structure: true);
            handle = Handle(Nft("-a", "list", "chain", "inet", "gateway", "output"), "tcp dport 2 accept");
            Nft("delete", "rule", "inet", "gateway", "output", "handle", handle);
            Changed(structure: true);

            // Taking back what was added leaves the table as it was: nothing tells it apart, nor did the listing.
            Assert.Equal(beforeRule, last);
            Nft("add", "chain", "inet", "gateway", "extra");
            Changed(structure: true);
            Nft("delete", "chain", "inet", "gateway", "extra");
            Changed(structure: true);
            Nft("add", "rule", "inet", "gateway", "counted_chain", "drop");
            Changed(structure: true);
            Nft("add", "counter", "inet", "gateway", "rule_6");
            Changed(structure: true);

            // The same text loaded again is a new table (new handles): someone rebuilt it.
            Assert.True(kernel.Replace(Table).Ok);
            Changed(structure: true);
        });
    }

    private static string Handle(string listing, string rule)
    {
        var line = listing.Split('\n').Single(l => l.Contains(rule, StringComparison.Ordinal));
        return line[(line.LastIndexOf("# handle ", StringComparison.Ordinal) + "# handle ".Length)..].Trim();
    }
}
