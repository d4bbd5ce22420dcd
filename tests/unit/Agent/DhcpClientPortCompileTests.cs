using Gateway.Agent.Nft;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The router's DHCP client ports are open on the WAN link only while a DHCP client of that family runs there.</summary>
public sealed class DhcpClientPortCompileTests
{
    private static string Compile(WanSettings wan) => RulesetCompiler.Compile(
        new GatewayConfig(new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default) { Wan = wan });

    private const string V4 = "iifname \"wan0\" meta nfproto ipv4 udp sport 67 udp dport 68 counter accept";
    private const string V6 = "iifname \"wan0\" meta nfproto ipv6 udp sport 547 udp dport 546 counter accept";

    [Fact]
    public void Unmanaged_and_dhcp_keep_both_on_the_wan_link()
    {
        foreach (var wan in new[] { WanSettings.Unmanaged, new WanSettings(WanMode.Dhcp) })
        {
            var table = Compile(wan);
            Assert.Contains(V4, table, StringComparison.Ordinal);
            Assert.Contains(V6, table, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Static_addressing_closes_them_and_keeps_dhcpv6_only_while_it_asks_for_a_prefix()
    {
        var plain = Compile(new WanSettings(WanMode.Static, "198.51.100.2/24", "198.51.100.1"));
        Assert.DoesNotContain("dport 68", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("dport 546", plain, StringComparison.Ordinal);
        Assert.Contains("nd-neighbor-solicit", plain, StringComparison.Ordinal);

        var delegated = Compile(new WanSettings(WanMode.Static, "198.51.100.2/24", "198.51.100.1", Ipv6: WanIpv6.Auto));
        Assert.DoesNotContain("dport 68", delegated, StringComparison.Ordinal);
        Assert.Contains(V6, delegated, StringComparison.Ordinal);
    }
}
