using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// MAC filtering on the LAN bridge, seen from the two LAN hosts: each test talks to the WAN host through the
/// router, which is where frames from the LAN are filtered.
/// </summary>
public sealed class MacFilterTests(MacFilterTests.Fixture fixture) : IClassFixture<MacFilterTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;
    private TcpEchoServer? _wan;

    public async Task InitializeAsync()
    {
        await _api.ResetMacFilteringAsync(_lab);
        _wan = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");
    }

    public async Task DisposeAsync()
    {
        if (_wan is not null)
        {
            await _wan.DisposeAsync();
        }

        await _api.ResetMacFilteringAsync(_lab);
    }

    [Fact]
    public async Task DenyListDropsOnlyTheListedHost()
    {
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));

        // Upper case with dashes: the API stores it as aa:bb:.. and the kernel must match it.
        await _api.CreateMacFilterAsync(_lab, new { mac = _lab.Lan2Mac.ToUpperInvariant().Replace(':', '-'), name = "lan2" });
        await _api.SetMacPolicyAsync(_lab, "deny-listed");

        Assert.Null(await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));

        await _api.SetMacPolicyAsync(_lab, "off");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));
    }

    [Fact]
    public async Task AllowListAdmitsOnlyTheListedEnabledHost()
    {
        await _api.CreateMacFilterAsync(_lab, new { mac = _lab.Lan1Mac, name = "lan1" });
        // Listed but disabled: not allowed.
        await _api.CreateMacFilterAsync(_lab, new { mac = _lab.Lan2Mac, name = "lan2 (disabled)", enabled = false });
        await _api.SetMacPolicyAsync(_lab, "allow-listed");

        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        Assert.Null(await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));

        await _api.SetMacPolicyAsync(_lab, "off");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));
    }
}
