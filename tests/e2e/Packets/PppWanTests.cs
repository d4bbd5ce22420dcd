using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>A WAN link named ppp0, configured as the wildcard "ppp*" (names change on PPP reconnects).</summary>
public sealed class PppWanTests(PppWanTests.Fixture fixture) : IClassFixture<PppWanTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override LabOptions Options => new() { Name = nameof(PppWanTests), WanInterfaceName = "ppp0" };

        protected override string? WanInterfaceSetting => "ppp*";
    }

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task MasqueradeWorksOutOfAWildcardWanInterface()
    {
        Assert.Equal("ppp*", (await _api.GetJsonAsync("/api/v1/network"))["wanInterface"]!.GetValue<string>());
        await using var server = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");

        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        Assert.Equal(RouterWanIp, server.Peers[^1].Address.ToString());
    }

    [Fact]
    public async Task ForwardWorksInFromAWildcardWanInterface()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan2Ns, 2222, "lan2-ssh");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "ssh over ppp",
            protocol = "tcp",
            externalPort = 8022,
            internalAddress = Lan2Ip,
            internalPort = 2222,
        });
        try
        {
            Assert.Equal("lan2-ssh", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8022));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }
}
