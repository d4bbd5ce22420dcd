using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// The router's DHCP/DHCPv6 client ports (UDP 68 from 67, 546 from 547) answer only on the WAN link: a
/// DHCP-shaped datagram arriving on the second uplink reaches nothing. A UDP echo server in the router namespace
/// stands in for the DHCP client, so "accepted" is an answer and "refused" is silence.
/// </summary>
public sealed class DhcpClientPortTests(DhcpClientPortTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<DhcpClientPortTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override LabOptions Options => new() { Name = nameof(DhcpClientPortTests), SecondUplink = true };

        protected override async Task OnSetUpAsync()
        {
            // The second uplink carries IPv6 too, so DHCPv6's ports can be tried there.
            await Lab.MustAsync(Lab.RouterNs, $"ip -6 addr add {RouterWan2Ip6}/64 dev {Wan2Interface} nodad");
            await Lab.MustAsync(Lab.Wan2Ns, $"ip -6 addr add {Wan2HostIp6}/64 dev eth0 nodad");
        }
    }

    private const string RouterWan2Ip6 = "2001:db8:198::1";
    private const string Wan2HostIp6 = "2001:db8:198::2";

    private readonly Lab.Lab _lab = fixture.Lab;

    [Fact]
    public async Task Dhcpv4ClientPortAnswersTheWanLinkOnly()
    {
        await using var client = _lab.StartUdpEchoServer(_lab.RouterNs, 68, "dhcp-client");

        // The WAN link: the router is a DHCP client there, its answers must get in.
        Assert.Equal("dhcp-client", await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 68, sourcePort: 67));

        // The second uplink, to its own address and to the LAN address: nothing.
        var wan2 = await UdpExchangeAsync(_lab.Wan2Ns, RouterWan2Ip, 68, sourcePort: 67);
        await _lab.MustAsync(_lab.Wan2Ns, $"ip route replace 192.168.50.0/24 via {RouterWan2Ip}");
        var lan = await UdpExchangeAsync(_lab.Wan2Ns, RouterLanIp, 68, sourcePort: 67);
        output.WriteLine($"from wan2 to {RouterWan2Ip}: {wan2 ?? "(nothing)"}; to {RouterLanIp}: {lan ?? "(nothing)"}");
        Assert.Null(wan2);
        Assert.Null(lan);
    }

    [Fact]
    public async Task Dhcpv6ClientPortAnswersTheWanLinkOnly()
    {
        await using var client = _lab.StartUdpEchoServer(_lab.RouterNs, 546, "dhcp6-client", "::");

        Assert.Equal("dhcp6-client", await UdpExchangeAsync(_lab.WanNs, RouterWanIp6, 546, sourcePort: 547));

        var wan2 = await UdpExchangeAsync(_lab.Wan2Ns, RouterWan2Ip6, 546, sourcePort: 547);
        output.WriteLine($"from wan2 to {RouterWan2Ip6}: {wan2 ?? "(nothing)"}");
        Assert.Null(wan2);
    }
}
