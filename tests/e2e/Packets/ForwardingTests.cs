using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Masquerade and port forwards proven with real packets between the lab's namespaces. The WAN host has
/// no route to the LAN, so every answer that comes back went through the router's NAT.
/// </summary>
public sealed class ForwardingTests(ForwardingTests.Fixture fixture) : IClassFixture<ForwardingTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task LanHostReachesTheWanHostOnlyThroughMasqueradeAndShowsTheRouterAddress()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");

        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        Assert.Equal(RouterWanIp, server.Peers[^1].Address.ToString());

        await _api.UpdateNetworkAsync(_lab, network => network["masquerade"] = false);
        try
        {
            // The WAN host has no route back to 192.168.50.0/24: without masquerade nothing returns.
            Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        }
        finally
        {
            await _api.UpdateNetworkAsync(_lab, network => network["masquerade"] = true);
        }

        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));
    }

    [Fact]
    public async Task TcpForwardReachesTheLanHostOnItsInternalPortForTcpOnly()
    {
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan1Ns, 2222, "lan1-tcp");
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, 2222, "lan1-udp");
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8022));

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "ssh",
            protocol = "tcp",
            externalPort = 8022,
            internalAddress = Lan1Ip,
            internalPort = 2222,
        });
        try
        {
            Assert.Equal("lan1-tcp", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8022));
            // DNAT rewrites only the destination: the LAN host sees the real client.
            Assert.Equal(WanHostIp, tcp.Peers[^1].Address.ToString());
            Assert.Null(await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 8022));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task UdpForwardReachesTheLanHostForUdpOnly()
    {
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan2Ns, 5300, "lan2-udp");
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan2Ns, 5300, "lan2-tcp");
        Assert.Null(await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 5353));

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "dns",
            protocol = "udp",
            externalPort = 5353,
            internalAddress = Lan2Ip,
            internalPort = 5300,
        });
        try
        {
            Assert.Equal("lan2-udp", await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 5353));
            Assert.Equal(WanHostIp, udp.Peers[^1].Address.ToString());
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 5353));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task ForwardForBothProtocolsCarriesTcpAndUdp()
    {
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan1Ns, 5400, "lan1-tcp");
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, 5400, "lan1-udp");

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "both",
            protocol = "both",
            externalPort = 5454,
            internalAddress = Lan1Ip,
            internalPort = 5400,
        });
        try
        {
            Assert.Equal("lan1-tcp", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 5454));
            Assert.Equal("lan1-udp", await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 5454));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task PortRangeMapsOneToOneByOffset()
    {
        await using var s0 = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7000, "lan1:7000");
        await using var s1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7001, "lan1:7001");
        await using var s2 = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7002, "lan1:7002");
        await using var s3 = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7003, "lan1:7003");

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "range",
            protocol = "tcp",
            externalPort = 9000,
            externalPortEnd = 9002,
            internalAddress = Lan1Ip,
            internalPort = 7000,
        });
        try
        {
            Assert.Equal("lan1:7001", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 9001));
            Assert.Equal("lan1:7000", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 9000));
            Assert.Equal("lan1:7002", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 9002));
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 9003));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task SourceRestrictedForwardAdmitsOnlyItsSource()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 443, "lan1-https");

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "restricted",
            protocol = "tcp",
            externalPort = 8443,
            internalAddress = Lan1Ip,
            internalPort = 443,
            sourceCidr = $"{WanHostIp}/32",
        });
        try
        {
            Assert.Equal("lan1-https", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8443, sourceIp: WanHostIp));
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8443, sourceIp: WanHostSecondIp));
            Assert.All(server.Peers, peer => Assert.Equal(WanHostIp, peer.Address.ToString()));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task LanClientReachesAForwardThroughTheWanAddressOnlyWithReflection()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 80, "lan1-web");

        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "web",
            protocol = "tcp",
            externalPort = 8080,
            internalAddress = Lan1Ip,
            internalPort = 80,
            reflection = true,
        });
        try
        {
            Assert.Equal("lan1-web", await TcpExchangeAsync(_lab.Lan2Ns, RouterWanIp, 8080));
            // The source was translated to the router, so lan1's reply went back through it
            // (bridge netfilter is off in the lab: lan1 would otherwise answer lan2 directly and fail).
            Assert.Equal(RouterLanIp, server.Peers[^1].Address.ToString());

            await _api.UpdateForwardAsync(_lab, id, forward => forward["reflection"] = false);
            Assert.Null(await TcpExchangeAsync(_lab.Lan2Ns, RouterWanIp, 8080));
            Assert.Equal("lan1-web", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8080));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task DisablingOrDeletingAForwardClosesItsPortAndItsOpenConnections()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7100, "lan1-held");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "held",
            protocol = "tcp",
            externalPort = 8100,
            internalAddress = Lan1Ip,
            internalPort = 7100,
        });
        var deleted = false;
        try
        {
            using (var open = await OpenTcpAsync(_lab.WanNs, RouterWanIp, 8100))
            {
                Assert.NotNull(open);
                Assert.Equal("lan1-held", await open.ExchangeAsync());

                await _api.UpdateForwardAsync(_lab, id, forward => forward["enabled"] = false);

                Assert.Null(await open.ExchangeAsync());
                Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8100));
            }

            await _api.UpdateForwardAsync(_lab, id, forward => forward["enabled"] = true);
            using var reopened = await OpenTcpAsync(_lab.WanNs, RouterWanIp, 8100);
            Assert.NotNull(reopened);
            Assert.Equal("lan1-held", await reopened.ExchangeAsync());

            await _api.DeleteForwardAsync(_lab, id);
            deleted = true;

            Assert.Null(await reopened.ExchangeAsync());
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8100));
        }
        finally
        {
            if (!deleted)
            {
                await _api.DeleteForwardAsync(_lab, id);
            }
        }
    }
}
