using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class MirrorTableTests
{
    private static readonly string[] Links = ["br-lan", "lan1", "wan0", "mon0"];

    private static GatewayConfig With(params Mirror[] mirrors) =>
        new(new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default) { Mirrors = mirrors };

    [Fact]
    public void Each_direction_is_a_netdev_chain_on_the_mirrored_link_that_dups_to_the_target_behind_the_filters()
    {
        var config = With(
            new Mirror(3, "lan", true, "br-lan", MirrorDirection.Both, "192.168.1.0/24", null, "mon0"),
            new Mirror(4, "wan in", true, "wan0", MirrorDirection.In, null, "2001:db8::1", "mon0"),
            new Mirror(5, "off", false, "wan0", MirrorDirection.Out, null, null, "mon0"));

        var (table, skipped) = MirrorTable.Compile(config, Links);

        Assert.Empty(skipped);
        Assert.Equal(
            """
            table netdev gateway_mirror {
            	comment "Gateway: traffic mirrors, written by the agent"
            	chain m3_in {
            		type filter hook ingress device "br-lan" priority filter; policy accept;
            		ip saddr 192.168.1.0/24 dup to "mon0"
            	}
            	chain m3_out {
            		type filter hook egress device "br-lan" priority filter; policy accept;
            		ip saddr 192.168.1.0/24 dup to "mon0"
            	}
            	chain m4_in {
            		type filter hook ingress device "wan0" priority filter; policy accept;
            		ip6 daddr 2001:db8::1 dup to "mon0"
            	}
            }

            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public void No_enabled_mirror_means_no_table_and_a_script_that_removes_any()
    {
        var (table, _) = MirrorTable.Compile(With(new Mirror(1, "off", false, "br-lan", MirrorDirection.Both, null, null, "mon0")), Links);

        Assert.Null(table);
        Assert.Equal("add table netdev gateway_mirror\ndelete table netdev gateway_mirror\n", MirrorTable.Script(table));
    }

    [Fact]
    public void A_mirror_whose_link_is_missing_is_left_out_and_said_so()
    {
        var (table, skipped) = MirrorTable.Compile(With(new Mirror(1, "gone", true, "br-lan", MirrorDirection.Both, null, null, "usb0")), Links);

        Assert.Null(table);
        Assert.Equal(["mirror 1: usb0 does not exist"], skipped);
    }

    [Fact]
    public void Copies_into_a_port_of_the_mirrored_bridge_or_the_bridge_of_a_mirrored_port_are_a_loop()
    {
        LinkInfo[] links = [new("br-lan", null, [], true), new("lan1", null, [], true, Master: "br-lan"), new("mon0", null, [], true)];

        Assert.Contains("mirrors[0].toInterface", MirrorTable.Loop(With(new Mirror(1, "m", true, "br-lan", MirrorDirection.Both, null, null, "lan1")), links));
        Assert.Contains("mirrors[0].toInterface", MirrorTable.Loop(With(new Mirror(1, "m", true, "lan1", MirrorDirection.Both, null, null, "br-lan")), links));
        Assert.Null(MirrorTable.Loop(With(new Mirror(1, "m", true, "br-lan", MirrorDirection.Both, null, null, "mon0")), links));
        Assert.Null(MirrorTable.Loop(With(new Mirror(1, "m", false, "br-lan", MirrorDirection.Both, null, null, "lan1")), links));
    }
}
