using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Rules and the connections already open: a session that a rule change no longer allows stops at once, it
/// does not live on through <c>ct state established accept</c>.
/// </summary>
public sealed partial class TrafficRuleTests
{
    /// <summary>"Within a second" with room for a loaded box: an uncut session answers within milliseconds.</summary>
    private static readonly TimeSpan StoppedWithin = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task DeletingTheInputAcceptThatAdmittedASessionStopsIt()
    {
        const int port = 7801;
        await using var server = _lab.StartTcpEchoServer(_lab.RouterNs, port, "router");
        var accept = await _api.CreateRuleAsync(_lab, new
        {
            name = "router service",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "accept",
        });
        using var session = await OpenTcpAsync(_lab.WanNs, RouterWanIp, port);
        Assert.NotNull(session);
        Assert.Equal("router", await session.ExchangeAsync());
        Assert.Equal("router", await session.ExchangeAsync());

        await _api.DeleteRuleAsync(_lab, accept);

        Assert.Null(await session.ExchangeAsync(StoppedWithin));
        // Nothing else admits a new one either (WAN input is dropped by default).
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port, timeout: TimeSpan.FromSeconds(1)));
    }

    /// <summary>
    /// The router's side speaks first after the cut (a shell session's output would): its segment must not bring
    /// the deleted entry back, or the peer's next segments are replies of it and pass as established.
    /// </summary>
    [Fact]
    public async Task AnInputSessionStaysCutWhenTheRoutersSideSpeaksFirst()
    {
        const int port = 7803;
        await using var server = _lab.StartTcpEchoServer(_lab.RouterNs, port, "router");
        var accept = await _api.CreateRuleAsync(_lab, new
        {
            name = "router service",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "accept",
        });
        using var session = await OpenTcpAsync(_lab.WanNs, RouterWanIp, port);
        Assert.NotNull(session);
        Assert.Equal("router", await session.ExchangeAsync());

        await _api.DeleteRuleAsync(_lab, accept);
        await server.SayToAllAsync("unasked");

        Assert.Null(await session.ExchangeAsync(StoppedWithin));
    }

    [Fact]
    public async Task AForwardDropForALanHostStopsItsOpenWanSession()
    {
        const int port = 8081;
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, port, "wan");
        using var lan1 = await OpenTcpAsync(_lab.Lan1Ns, WanHostIp, port);
        using var lan2 = await OpenTcpAsync(_lab.Lan2Ns, WanHostIp, port);
        Assert.NotNull(lan1);
        Assert.NotNull(lan2);
        Assert.Equal("wan", await lan1.ExchangeAsync());
        Assert.Equal("wan", await lan2.ExchangeAsync());

        await _api.CreateRuleAsync(_lab, new
        {
            name = "lan1 offline",
            chain = "forward",
            source = Lan1Ip,
            action = "drop",
        });

        Assert.Null(await lan1.ExchangeAsync(StoppedWithin));
        // The other host's session is not the rule's business.
        Assert.Equal("wan", await lan2.ExchangeAsync());
    }

    [Fact]
    public async Task NarrowingTheInputAcceptThatAdmittedASessionStopsIt()
    {
        const int port = 7802;
        await using var server = _lab.StartTcpEchoServer(_lab.RouterNs, port, "router");
        var accept = await _api.CreateRuleAsync(_lab, new
        {
            name = "router service",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "accept",
        });
        using var session = await OpenTcpAsync(_lab.WanNs, RouterWanIp, port, sourceIp: WanHostIp);
        Assert.NotNull(session);
        Assert.Equal("router", await session.ExchangeAsync());

        // Changed to admit another source only: this session is no longer its business.
        await _api.PutJsonAsync($"{RulesApi.Rules}/{accept}", new
        {
            name = "router service",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            source = WanHostSecondIp,
            destinationPort = port,
            action = "accept",
        });
        await _lab.WaitAppliedAsync(_api);

        Assert.Null(await session.ExchangeAsync(StoppedWithin));
        Assert.Equal("router", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port, sourceIp: WanHostSecondIp));
    }
}
