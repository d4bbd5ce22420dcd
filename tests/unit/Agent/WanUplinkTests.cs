using Gateway.Agent.Wan;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>Which link the WAN status describes, for a named WAN and for a wildcard one.</summary>
public sealed class WanUplinkTests
{
    private static readonly LinkInfo[] Links =
    [
        new("ppp0", null, [], false),
        new("ppp1", null, ["198.51.100.7/32"], true),
        new("ppp2", null, ["192.0.2.9/32"], true, DefaultRoute: true),
        new("wan0", null, ["203.0.113.1/24"], true),
    ];

    [Fact]
    public void A_named_wan_is_that_link_and_only_that_link()
    {
        Assert.Equal("wan0", WanSupervisor.Uplink(Links, "wan0")?.Name);
        Assert.Null(WanSupervisor.Uplink(Links, "wan1"));
    }

    [Fact]
    public void A_wildcard_is_the_matching_link_with_the_default_route_else_one_that_is_up_with_ipv4()
    {
        Assert.Equal("ppp2", WanSupervisor.Uplink(Links, "ppp*")?.Name);
        Assert.Equal("ppp1", WanSupervisor.Uplink([.. Links.Where(l => l.Name != "ppp2")], "ppp*")?.Name);
        Assert.Equal("ppp0", WanSupervisor.Uplink([Links[0]], "ppp*")?.Name);
        Assert.Null(WanSupervisor.Uplink([Links[3]], "ppp*"));
    }
}
