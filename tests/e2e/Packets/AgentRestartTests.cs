using System.Diagnostics;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>The agent dies hard (SIGKILL) and comes back: the kernel kept forwarding, the web reconnects.</summary>
public sealed class AgentRestartTests(AgentRestartTests.Fixture fixture) : IClassFixture<AgentRestartTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task WebReconnectsToAKilledAndRestartedAgentAndTheNextWriteApplies()
    {
        await using var first = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7400, "lan1:7400");
        await using var second = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7401, "lan1:7401");
        await _api.CreateForwardAsync(_lab, new
        {
            name = "before the crash",
            protocol = "tcp",
            externalPort = 8400,
            internalAddress = Lan1Ip,
            internalPort = 7400,
        });
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));

        await _lab.StopAgentAsync(kill: true);
        await WaitForAgentConnectedAsync(false);
        // The ruleset lives in the kernel, not in the agent.
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));

        await _lab.StartAgentAsync();
        await WaitForAgentConnectedAsync(true);

        await _api.CreateForwardAsync(_lab, new
        {
            name = "after the crash",
            protocol = "tcp",
            externalPort = 8401,
            internalAddress = Lan1Ip,
            internalPort = 7401,
        });
        Assert.Null((await _api.StatusAsync())["lastApplyError"]?.GetValue<string>());
        Assert.Equal("lan1:7401", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8401));
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));
    }

    private async Task WaitForAgentConnectedAsync(bool connected)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((await _api.StatusAsync())["agentConnected"]!.GetValue<bool>() == connected)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"status.agentConnected did not become {connected} within 30s: {await _api.StatusAsync()}");
    }
}
