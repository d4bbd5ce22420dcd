using Gateway.Agent.Nft;
using Gateway.Agent.Upnp;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

/// <summary>miniupnpd's file, the mapping reader, the apply that keeps miniupnpd's chains, and the fingerprint that ignores them.</summary>
public sealed class UpnpAgentTests
{
    private static readonly Guid Uuid = Guid.Parse("3b3f5c0e-1111-4222-8333-444455556666");

    private static GatewayConfig Config(UpnpSettings upnp, string wan = "wan0") =>
        new(new NetworkSettings(wan, "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default) { Upnp = upnp };

    [Fact]
    public void The_file_points_miniupnpd_at_our_chains_listens_on_the_lan_and_denies_before_it_allows()
    {
        var conf = MiniupnpdConfig.Render(Config(new UpnpSettings(Enabled: true, LeaseSeconds: 3600)), "/var/lib/gateway/agent/upnp/leases", Uuid)!;
        var lines = conf.Split('\n');

        Assert.Contains("ext_ifname=wan0", lines);
        Assert.Contains("listening_ip=br-lan", lines);
        Assert.Contains("enable_natpmp=yes", lines);
        Assert.Contains("secure_mode=yes", lines);
        Assert.Contains("max_lifetime=3600", lines);
        Assert.Contains("lease_file=/var/lib/gateway/agent/upnp/leases", lines);
        Assert.Contains("uuid=3b3f5c0e-1111-4222-8333-444455556666", lines);
        Assert.Contains("upnp_table_name=gateway", lines);
        Assert.Contains("upnp_nat_table_name=gateway", lines);
        Assert.Contains("upnp_forward_chain=upnp_forward", lines);
        Assert.Contains("upnp_nat_chain=upnp_dstnat", lines);
        Assert.Contains("upnp_nat_postrouting_chain=upnp_srcnat", lines);
        var acl = lines.Where(l => l.StartsWith("allow ", StringComparison.Ordinal) || l.StartsWith("deny ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "deny 21-21 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 21-21",
                "deny 23-23 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 23-23",
                "deny 135-135 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 135-135",
                "deny 137-139 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 137-139",
                "deny 445-445 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 445-445",
                "deny 3389-3389 0.0.0.0/0 1-65535", "deny 1-65535 0.0.0.0/0 3389-3389",
                "allow 1024-65535 192.168.1.0/24 1-65535",
                "deny 0-65535 0.0.0.0/0 0-65535",
            ],
            acl);
    }

    [Fact]
    public void Off_or_a_wildcard_wan_runs_no_miniupnpd_and_declares_no_chains()
    {
        Assert.Null(MiniupnpdConfig.Render(Config(UpnpSettings.Default), "/l", Uuid));
        Assert.Null(MiniupnpdConfig.Render(Config(new UpnpSettings(Enabled: true), "ppp*"), "/l", Uuid));
        Assert.DoesNotContain("upnp_", RulesetCompiler.Compile(Config(UpnpSettings.Default)), StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_table_declares_the_three_chains_jumps_after_the_owners_forwards_and_marks_mapped_connections()
    {
        var table = RulesetCompiler.Compile(Config(new UpnpSettings(Enabled: true)));

        Assert.True(KeptChains.Declared(table));
        foreach (var chain in MiniupnpdConfig.Chains)
        {
            Assert.Contains($"\tchain {chain} {{\n\t}}\n", table, StringComparison.Ordinal);
        }

        var dnat = table.IndexOf("counter jump pf_dnat", StringComparison.Ordinal);
        var upnp = table.IndexOf("iifname \"wan0\" counter jump upnp_dstnat", StringComparison.Ordinal);
        Assert.True(dnat > 0 && upnp > dnat, "the owner's forwards must come first");
        Assert.Contains("ct state new iifname \"wan0\" ct mark 0 ct mark set 0x06000000 counter", table, StringComparison.Ordinal);
        Assert.Contains("meta nfproto ipv4 jump upnp_srcnat", table, StringComparison.Ordinal);
    }

    private const string DstnatListing = """
        table inet gateway {
        	chain upnp_dstnat { # handle 40
        		iif "wan0" @nh,72,8 0x6 th dport 18080 dnat ip to 192.168.1.10:8080 # handle 51
        		iif "wan0" @nh,72,8 0x11 th dport 15000 dnat ip to 192.168.1.10:5000 # handle 52
        		iif "wan0" @nh,72,8 0x6 th dport 99999 dnat ip to 192.168.1.10:80 # handle 53
        		iif "wan0" tcp dport 22 accept # handle 54
        	}
        }
        """;

    [Fact]
    public void Mappings_are_the_dnat_rules_described_by_the_lease_file_and_odd_lines_are_skipped()
    {
        var mappings = UpnpMappings.Read(DstnatListing, ["TCP:18080:192.168.1.10:8080:1797247145:my \"game\"\u0007 x", "garbage", "UDP:1:2"]);

        Assert.Equal(2, mappings.Count);
        var tcp = mappings.Single(m => m.Id == "tcp-18080");
        Assert.Equal(("tcp", 18080, "192.168.1.10", 8080), (tcp.Protocol, tcp.ExternalPort, tcp.InternalAddress, tcp.InternalPort));
        Assert.Equal("my \"game\" x", tcp.Description);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1797247145), tcp.ExpiresAt);
        var udp = mappings.Single(m => m.Id == "udp-15000");
        Assert.Equal(string.Empty, udp.Description);
        Assert.Null(udp.ExpiresAt);
    }

    [Fact]
    public void A_lease_line_a_client_forged_in_its_description_describes_no_one_elses_mapping()
    {
        // miniupnpd writes a description as it came: "x\nUDP:15000:…" in one client's description is a line of its own.
        var forgedElsewhere = UpnpMappings.Read(DstnatListing, ["TCP:18080:192.168.1.10:8080:0:x", "UDP:15000:192.168.1.66:5000:1:forged"]);
        Assert.Null(forgedElsewhere.Single(m => m.Id == "udp-15000").ExpiresAt);
        Assert.Equal(string.Empty, forgedElsewhere.Single(m => m.Id == "udp-15000").Description);

        // Two lines for one mapping: neither's expiry is believed (the lease cap still ends it).
        var claimedTwice = UpnpMappings.Read(DstnatListing, ["UDP:15000:192.168.1.10:5000:1797247145:real", "UDP:15000:192.168.1.10:5000:1:forged"]);
        Assert.Null(claimedTwice.Single(m => m.Id == "udp-15000").ExpiresAt);
    }

    [Fact]
    public void A_carriage_return_in_a_description_does_not_start_a_lease_line() =>
        Assert.Equal(["TCP:18080:192.168.1.10:8080:0:x\rTCP:445:192.168.1.7:445:0:y", "UDP:15000:192.168.1.10:5000:0:z"],
            UpnpMappings.LeaseLines("TCP:18080:192.168.1.10:8080:0:x\rTCP:445:192.168.1.7:445:0:y\nUDP:15000:192.168.1.10:5000:0:z\n"));

    [Theory]
    [InlineData("tcp-18080", true)]
    [InlineData("udp-1", true)]
    [InlineData("tcp-0", false)]
    [InlineData("tcp-65536", false)]
    [InlineData("icmp-5", false)]
    [InlineData("tcp-80;flush ruleset", false)]
    [InlineData("", false)]
    public void Only_protocol_dash_port_is_an_id(string id, bool valid) =>
        Assert.Equal(valid, Gateway.Shared.Protocol.UpnpMappingId.TryParse(id, out _, out _));

    [Fact]
    public void A_delete_finds_the_filter_rules_of_its_internal_address_and_port()
    {
        const string forward = """
            	chain upnp_forward { # handle 39
            		iif "wan0" th dport 8080 @nh,128,32 0xc0a8010a @nh,72,8 0x6 accept # handle 61
            		iif "wan0" th dport 5000 @nh,128,32 0xc0a8010a @nh,72,8 0x11 accept # handle 62
            		iif "wan0" th dport 8080 @nh,128,32 0xc0a8010b @nh,72,8 0x6 accept # handle 63
            	}
            """;
        var rule = UpnpMappings.Rules(DstnatListing).First();

        Assert.Equal([61L], UpnpMappings.ForwardHandles(forward, rule));
        Assert.Equal(["UDP:15000:x"], UpnpMappings.WithoutLease(["TCP:18080:192.168.1.10:8080:0:a", "UDP:15000:x"], "tcp", 18080));
    }

    [Fact]
    public void A_replace_keeps_miniupnpds_chains_and_removes_everything_else_first()
    {
        const string listing = """
            table inet gateway {
            	comment "Gateway"
            	limit gw_log { rate 10/minute burst 5 packets }
            	counter rule_3 { packets 0 bytes 0 }
            	map pf_dnat {
            		type inet_proto . inet_service : ipv4_addr . inet_service
            	}
            	ct helper ftp { type "ftp" protocol tcp; l3proto inet; }
            	chain dstnat {
            		type nat hook prerouting priority dstnat; policy accept;
            		jump upnp_dstnat
            	}
            	chain upnp_dstnat {
            		iif "wan0" @nh,72,8 0x6 th dport 18080 dnat ip to 192.168.1.10:8080
            	}
            	chain upnp_forward {
            	}
            }
            """;

        var script = KeptChains.Script(listing, "table inet gateway {\n}\n")!;

        Assert.Equal(
            """
            flush chain inet gateway dstnat
            delete limit inet gateway gw_log
            delete counter inet gateway rule_3
            delete map inet gateway pf_dnat
            delete ct helper inet gateway ftp
            delete chain inet gateway dstnat
            table inet gateway {
            }

            """.ReplaceLineEndings("\n"),
            script);
        Assert.Null(KeptChains.Script("table inet gateway {\n\tchain input {\n\t}\n}\n", "t"));
        Assert.Null(KeptChains.Script("table inet gateway {\n\tchain upnp_dstnat {\n\t}\n\tchain \"odd name\" {\n\t}\n}\n", "t"));
    }

    [Fact]
    public void The_fingerprint_ignores_what_miniupnpd_adds_and_removes_but_not_our_own_rules()
    {
        static TableFingerprints Fingerprint(uint verdict, bool mapped)
        {
            var hasher = new TableHasher(NftMessages.Table);
            hasher.Table(NftMessages.TableMessage(1));
            hasher.Chain(NftMessages.Chain("upnp_dstnat", 2));
            hasher.Chain(NftMessages.Chain("input", 3));
            if (mapped)
            {
                hasher.Rule(NftMessages.Rule("upnp_dstnat", 9, NftMessages.Verdict(1)));
            }

            hasher.Rule(NftMessages.Rule("input", 4, NftMessages.Verdict(verdict)));
            return hasher.Result();
        }

        Assert.Equal(Fingerprint(1, mapped: false), Fingerprint(1, mapped: true));
        Assert.NotEqual(Fingerprint(1, mapped: false).Content, Fingerprint(0, mapped: false).Content);
    }

    [Fact]
    public void A_mapping_expires_at_most_the_lease_limit_after_it_was_made_or_renewed()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var seen = new Dictionary<(string Id, DateTimeOffset? Expires), DateTimeOffset>();
        var week = new Gateway.Shared.Protocol.UpnpMapping("tcp-1", "tcp", 1, "192.168.1.10", 1, "", "192.168.1.10", now.AddDays(7));
        var soon = week with { Id = "udp-2", ExpiresAt = now.AddMinutes(5) };

        var first = UpnpMappings.Capped([week, soon], seen, 3600, now);
        Assert.Equal(now.AddHours(1), first[0].ExpiresAt);
        Assert.Equal(now.AddMinutes(5), first[1].ExpiresAt);

        // Later, unchanged: the limit counts from when it was first seen. Renewed (a new expiry): it counts anew.
        Assert.Equal(now.AddHours(1), UpnpMappings.Capped([week], seen, 3600, now.AddMinutes(30))[0].ExpiresAt);
        var renewed = week with { ExpiresAt = now.AddDays(7).AddMinutes(40) };
        Assert.Equal(now.AddMinutes(40).AddHours(1), UpnpMappings.Capped([renewed], seen, 3600, now.AddMinutes(40))[0].ExpiresAt);
        Assert.Single(seen);
    }

    [Fact]
    public void A_mapping_on_a_port_the_owner_forwards_is_shadowed()
    {
        var mapping = new Gateway.Shared.Protocol.UpnpMapping("tcp-8080", "tcp", 8080, "192.168.1.10", 80, "", "192.168.1.10", null);
        PortForward Forward(string protocol, int port, int? end = null, bool enabled = true, string? source = null) =>
            new(1, "owner", enabled, protocol == "tcp" ? ForwardProtocol.Tcp : protocol == "udp" ? ForwardProtocol.Udp : ForwardProtocol.Both, port, end, "192.168.1.20", 80, source);

        Assert.Single(UpnpMappings.Shadowed([mapping], [Forward("tcp", 8080)]));
        Assert.Single(UpnpMappings.Shadowed([mapping], [Forward("both", 8000, 8100)]));
        Assert.Empty(UpnpMappings.Shadowed([mapping], [Forward("udp", 8080)]));
        Assert.Empty(UpnpMappings.Shadowed([mapping], [Forward("tcp", 8080, enabled: false)]));
        Assert.Empty(UpnpMappings.Shadowed([mapping], [Forward("tcp", 8080, source: "198.51.100.0/24")]));
    }
}
