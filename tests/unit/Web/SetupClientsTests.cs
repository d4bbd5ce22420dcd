using System.Net;
using Gateway.Shared.Protocol;
using Gateway.Web.Auth;

namespace Gateway.Tests.Unit.Web;

public sealed class SetupClientsTests
{
    private static readonly IReadOnlyList<LinkInfo> Links =
    [
        new("lo", null, ["127.0.0.1/8", "::1/128"], true),
        new("br-lan", "02:00:00:00:00:01", ["192.168.50.1/24", "2001:db8:1::1/64", "fe80::1/64"], true),
        new("wan0", "02:00:00:00:00:02", ["203.0.113.1/24", "2001:db8:ff::1/64"], true, DefaultRoute: true),
        new("wg0", null, ["10.9.0.1/24"], true),
    ];

    [Theory]
    [InlineData("192.168.50.10")]
    [InlineData("2001:db8:1::10")]
    [InlineData("::ffff:192.168.50.10")]
    [InlineData("10.9.0.7")]
    public void A_host_on_a_link_without_the_default_route_may_set_the_router_up(string client) =>
        Assert.True(SetupClients.IsOnLanSide(IPAddress.Parse(client), Links));

    [Theory]
    [InlineData("203.0.113.2")]
    [InlineData("2001:db8:ff::2")]
    [InlineData("198.51.100.7")]
    [InlineData("192.168.51.10")]
    [InlineData("fe80::2")]
    public void A_host_on_the_uplink_or_beyond_it_may_not(string client) =>
        Assert.False(SetupClients.IsOnLanSide(IPAddress.Parse(client), Links));

    [Theory]
    [InlineData("192.168.1.100", true)]
    [InlineData("::ffff:192.168.1.249", true)]
    // Links without the default route that are not the first-boot link: closed while the agent serves first boot.
    [InlineData("192.168.50.10", false)]
    [InlineData("10.9.0.7", false)]
    [InlineData("2001:db8:1::10", false)]
    [InlineData("203.0.113.2", false)]
    public void While_the_agent_serves_first_boot_only_that_links_subnet_may_set_the_router_up(string client, bool allowed) =>
        Assert.Equal(allowed, SetupClients.IsOnLanSide(IPAddress.Parse(client), Links, new FirstBootLan("eth1", "192.168.1.1/24")));

    [Fact]
    public void Without_first_boot_the_links_decide_as_before() =>
        Assert.True(SetupClients.IsOnLanSide(IPAddress.Parse("10.9.0.7"), Links, firstBoot: null));
}
