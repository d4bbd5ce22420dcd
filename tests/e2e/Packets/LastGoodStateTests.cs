using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Fail closed at boot: an agent started while the web is down re-applies the last ruleset it applied,
/// from its own state directory (snapshot and journal), before it opens its socket.
/// </summary>
public sealed class LastGoodStateTests(LastGoodStateTests.Fixture fixture) : IClassFixture<LastGoodStateTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task AgentRestartedWithTheWebDownRestoresTheLastGoodRules()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7500, "lan1-last-good");
        await _api.CreateForwardAsync(_lab, new
        {
            name = "survives a reboot",
            protocol = "tcp",
            externalPort = 8500,
            internalAddress = Lan1Ip,
            internalPort = 7500,
        });
        Assert.Equal("lan1-last-good", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8500));

        // The one-item write came as a delta: the forward is in the last-good journal, not in the snapshot.
        var journal = Path.Combine(_lab.AgentStateDir, "last-good.journal");
        Assert.True(File.Exists(journal), "the forward's apply-delta was not journalled");
        Assert.DoesNotContain("survives a reboot", await File.ReadAllTextAsync(Path.Combine(_lab.AgentStateDir, "last-good.json")), StringComparison.Ordinal);

        await _lab.StopWebAsync();
        await _lab.StopAgentAsync();
        var deleted = await _lab.ExecAsync(_lab.RouterNs, "nft delete table inet gateway");
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.DoesNotContain("table inet gateway", await _lab.RouterTablesAsync());
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8500));

        // StartAgentAsync returns once the agent answers hello: the rules must already be back.
        await _lab.StartAgentAsync();
        var listed = await _lab.ExecAsync(_lab.RouterNs, "nft list table inet gateway");
        Assert.True(listed.Succeeded, listed.ToString());
        Assert.Contains(Lan1Ip, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("masquerade", listed.Stdout, StringComparison.Ordinal);
        Assert.Equal("lan1-last-good", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8500));

        // Recovered from snapshot and journal, then folded into a new snapshot.
        Assert.False(File.Exists(journal));
        Assert.Contains("survives a reboot", await File.ReadAllTextAsync(Path.Combine(_lab.AgentStateDir, "last-good.json")), StringComparison.Ordinal);

        // The web comes back to an agent that already runs the newest revision.
        await _lab.StartWebAsync();
        await _lab.WaitAppliedAsync(_api);
        Assert.Equal("lan1-last-good", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8500));
    }
}
