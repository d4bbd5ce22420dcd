using System.Net;
using System.Net.Http.Json;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// A router on its first boot: the agent in lockdown with no state, the web (inside the router namespace,
/// on every address, as on a real box) not set up yet. Nothing from the uplink may reach the router's
/// services, setup must refuse a WAN client, the LAN gets in; setup turns forwarding on; and the router's
/// input stays closed on the uplink even when the WAN setting names a link that does not exist.
/// One test, because every step depends on the state the one before left.
/// </summary>
public sealed class FirstBootTests(FirstBootTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<FirstBootTests.Fixture>
{
    /// <summary>A lab that is started but not set up.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private Lab.Lab? _lab;

        public Lab.Lab Lab => _lab ?? throw new InvalidOperationException("The lab did not start.");

        public async Task InitializeAsync() =>
            _lab = await Gateway.Tests.E2e.Lab.Lab.StartAsync(new LabOptions { Name = nameof(FirstBootTests), WebInRouterNamespace = true });

        public async Task DisposeAsync()
        {
            if (_lab is not null)
            {
                await _lab.DisposeAsync();
            }
        }
    }

    /// <summary>An SSH-like service of the router's own, listening on every address.</summary>
    private const int ServicePort = 22;

    private readonly Lab.Lab _lab = fixture.Lab;

    [Fact]
    public async Task FirstBootKeepsTheUplinkOutOfTheRouterAndSetupTurnsForwardingOn()
    {
        var host = _lab.CreateClient();
        Assert.False((await host.GetJsonAsync("/api/v1/setup"))["completed"]!.GetValue<bool>());
        Assert.Equal("0", await IpForwardAsync());
        await using var service = _lab.StartTcpEchoServer(_lab.RouterNs, ServicePort, "router-ssh");

        // The LAN reaches the router's services (the panel and the service) before setup...
        Assert.Equal("router-ssh", await TcpExchangeAsync(_lab.Lan1Ns, RouterLanIp, ServicePort));
        Assert.True((await TcpProbe.ConnectAsync(_lab.Lan1Ns, RouterLanIp, _lab.WebPort)).Connected, "LAN1 cannot reach the web");
        // ...the uplink does not, on the router's WAN address nor on its LAN address through a route of its own.
        await AssertClosedFromWanAsync(RouterWanIp, "before setup");
        var route = await _lab.ExecAsync(_lab.WanNs, $"ip route add 192.168.50.0/24 via {RouterWanIp}");
        Assert.True(route.Succeeded, route.ToString());
        try
        {
            await AssertClosedFromWanAsync(RouterLanIp, "before setup, through the WAN host's route to the LAN");
        }
        finally
        {
            await _lab.ExecAsync(_lab.WanNs, "ip route del 192.168.50.0/24");
        }

        await WebRefusesSetupFromTheWanAsync();

        // Setup from a LAN host, as an owner would do it.
        var lan1 = _lab.CreateClientIn(_lab.Lan1Ns, RouterLanIp);
        var api = await _lab.SetupAsync(setupClient: lan1);
        Assert.Equal("1", await IpForwardAsync());
        await using (var wan = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan"))
        {
            Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        }

        await AssertClosedFromWanAsync(RouterWanIp, "after setup");
        Assert.Equal("router-ssh", await TcpExchangeAsync(_lab.Lan1Ns, RouterLanIp, ServicePort));

        // A WAN setting naming a link that does not exist: the real uplink is still not the LAN, so it stays closed.
        await api.UpdateNetworkAsync(_lab, network => network["wanInterface"] = "ppp1");
        Assert.Null((await api.StatusAsync())["lastApplyError"]?.GetValue<string>());
        await AssertClosedFromWanAsync(RouterWanIp, "with wanInterface = ppp1");
        Assert.Equal("router-ssh", await TcpExchangeAsync(_lab.Lan1Ns, RouterLanIp, ServicePort));
    }

    /// <summary>
    /// The web's own check, with the firewall out of the way: the agent stopped and its table deleted, a WAN
    /// client's packets reach the web, and setup must still refuse it. The agent then comes back to lockdown.
    /// </summary>
    private async Task WebRefusesSetupFromTheWanAsync()
    {
        await _lab.StopAgentAsync();
        var deleted = await _lab.ExecAsync(_lab.RouterNs, "nft delete table inet gateway");
        output.WriteLine($"lockdown table deleted with the agent stopped: {deleted.Succeeded}");
        try
        {
            // The WAN host must reach the web now, or the check below proves nothing.
            Assert.True((await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, _lab.WebPort)).Connected,
                "with no table, the WAN host should reach the web's port");
            var wan = _lab.CreateClientIn(_lab.WanNs, RouterWanIp, TimeSpan.FromSeconds(10));
            using var response = await wan.PostAsJsonAsync("/api/v1/setup", new
            {
                adminPassword = "attacker-password-123",
                wanInterface = _lab.WanInterface,
                lanInterface = _lab.LanInterface,
                lanAddress = LanCidr,
                masquerade = true,
            });
            output.WriteLine($"setup from the WAN host: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotEqual(HttpStatusCode.Created, response.StatusCode);
            Assert.False(response.IsSuccessStatusCode, $"setup answered {(int)response.StatusCode} to a WAN client");
            Assert.False((await _lab.CreateClient().GetJsonAsync("/api/v1/setup"))["completed"]!.GetValue<bool>());
        }
        finally
        {
            await _lab.StartAgentAsync();
        }

        // Restarted without state, the agent closes the uplink again.
        await AssertClosedFromWanAsync(RouterWanIp, "after the agent restarted in lockdown");
    }

    private async Task AssertClosedFromWanAsync(string routerIp, string when)
    {
        foreach (var port in new[] { ServicePort, _lab.WebPort })
        {
            var probe = await TcpProbe.ConnectAsync(_lab.WanNs, routerIp, port, timeout: TimeSpan.FromSeconds(2));
            output.WriteLine($"{when}: WAN host to {routerIp}:{port}: {probe}");
            Assert.False(probe.Connected, $"{when}: the WAN host connected to {routerIp}:{port}");
        }
    }

    private async Task<string> IpForwardAsync()
    {
        var result = await _lab.ExecAsync(_lab.RouterNs, "cat /proc/sys/net/ipv4/ip_forward");
        Assert.True(result.Succeeded, result.ToString());
        return result.Stdout.Trim();
    }
}
