using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// REDIR: LAN traffic to a port anywhere is answered by a server on the router's own port. 203.0.113.53 is
/// in the WAN subnet but nobody holds it, so any answer from there came from the router.
/// </summary>
public sealed class RedirectTests(RedirectTests.Fixture fixture) : IClassFixture<RedirectTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override Task OnSetUpAsync()
        {
            // A resolver stand-in on the router's own port 5353 (TCP and UDP), for the whole class.
            Lab.StartTcpEchoServer(Lab.RouterNs, ResolverPort, "router-tcp");
            Lab.StartUdpEchoServer(Lab.RouterNs, ResolverPort, "router-udp");
            return Task.CompletedTask;
        }
    }

    private const int ResolverPort = 5353;
    private const string NobodysIp = "203.0.113.53";
    private const string AlsoNobodysIp = "203.0.113.54";

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task LanTcpAndUdpToPort53AnywhereAreAnsweredByTheRoutersOwnPortUntilRemoved()
    {
        Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));

        var id = await _api.CreateAsync(_lab, NatApi.Redirects, new
        {
            name = "dns to the router",
            protocol = "both",
            port = 53,
            toPort = ResolverPort,
        });
        try
        {
            Assert.Equal("router-udp", await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
            Assert.Equal("router-tcp", await TcpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
            Assert.Equal("router-udp", await UdpExchangeAsync(_lab.Lan2Ns, AlsoNobodysIp, 53));
            // Only the redirected port: 54 anywhere still goes nowhere.
            Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 54));
            // The default arrival link is the LAN: the WAN host asking the router's port 53 is not redirected.
            Assert.Null(await UdpExchangeAsync(_lab.WanNs, RouterWanIp, 53));
            // By default the router's own addresses are not redirected (nothing listens on its port 53).
            Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, RouterLanIp, 53));
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.Redirects, id);
        }

        Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
    }

    [Fact]
    public async Task ADestinationLimitsTheRedirectAndDisablingStopsIt()
    {
        var id = await _api.CreateAsync(_lab, NatApi.Redirects, new
        {
            name = "one resolver only",
            protocol = "udp",
            port = 53,
            toPort = ResolverPort,
            destination = $"{NobodysIp}/32",
        });
        try
        {
            Assert.Equal("router-udp", await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
            Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, AlsoNobodysIp, 53));
            // UDP only.
            Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));

            await _api.UpdateAsync(_lab, NatApi.Redirects, id, redirect => redirect["enabled"] = false);
            Assert.Null(await UdpExchangeAsync(_lab.Lan1Ns, NobodysIp, 53));
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.Redirects, id);
        }
    }
}
