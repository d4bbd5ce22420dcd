using Gateway.Agent.Links;

namespace Gateway.Tests.Unit.Agent;

public sealed class UplinksTests
{
    [Fact]
    public void Ipv4_default_routes_that_are_up_name_the_uplinks()
    {
        const string route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            + "wan0\t00000000\t0100710A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "wan0\t0000710A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
            + "br-lan\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
            // A default route with a non-zero mask is not a default route; a reject route carries nothing.
            + "odd0\t00000000\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
            + "blk0\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "ppp0\t00000000\t00000000\t0001\t0\t0\t10\t00000000\t0\t0\t0\n";

        Assert.Equal(["wan0", "ppp0"], Uplinks.ParseIpv4(route));
        Assert.Empty(Uplinks.ParseIpv4("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"));
        // The gateway column is host-order hex: 0100710A is 10.113.0.1. An on-link default (ppp0) has none.
        Assert.Equal(new Dictionary<string, string> { ["wan0"] = "10.113.0.1" }, Uplinks.ParseIpv4Gateways(route));
    }

    [Fact]
    public void Ipv6_default_routes_name_the_uplinks_but_not_the_unreachable_one_on_lo()
    {
        const string route =
            "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001   br-lan\n"
            + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     wan0\n"
            + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"
            + "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     wan0\n";

        Assert.Equal(["wan0"], Uplinks.ParseIpv6(route));
    }
}
