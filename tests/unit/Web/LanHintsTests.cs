using Gateway.Web.Components.Shared;

namespace Gateway.Tests.Unit.Web;

/// <summary>Form hints take their example addresses from the LAN as configured, never from a LAN the owner doesn't have.</summary>
public sealed class LanHintsTests
{
    [Theory]
    [InlineData("10.77.0.1/24", "10.77.0.20", "10.77.0.128/25")]
    [InlineData("192.168.50.1/24", "192.168.50.20", "192.168.50.128/25")]
    [InlineData("172.16.0.1/16", "172.16.0.20", "172.16.128.0/17")]
    [InlineData("10.0.0.20/24", "10.0.0.19", "10.0.0.128/25")]
    [InlineData("10.9.9.1/28", "10.9.9.8", "10.9.9.8/29")]
    [InlineData("172.16.0.1/30", "172.16.0.2", "172.16.0.2/31")]
    [InlineData("172.16.0.2/30", "172.16.0.1", "172.16.0.2/31")]
    public void Examples_lie_in_the_configured_lan_and_are_never_the_routers_own_address(string lan, string host, string half)
    {
        Assert.Equal(host, LanHints.Host(lan));
        Assert.Equal(half, LanHints.HalfNetwork(lan));
        Assert.Equal($", e.g. {host} or {half}", LanHints.ForExample(LanHints.Host(lan), LanHints.HalfNetwork(lan)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("br-lan")]
    [InlineData("10.0.0.1")]
    [InlineData("2001:db8::1/64")]
    [InlineData("10.0.0.1/31")]
    [InlineData("10.0.0.1/x")]
    public void An_unknown_or_unusable_lan_gives_no_example_rather_than_a_made_up_one(string? lan)
    {
        Assert.Null(LanHints.Host(lan));
        Assert.Null(LanHints.HalfNetwork(lan));
        Assert.Equal("", LanHints.ForExample(LanHints.Host(lan)));
    }
}
