using System.Net;
using System.Net.Http.Json;
using Gateway.Shared.Protocol;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// A box fresh from the package with <c>FirstBoot:LanInterface</c> set: the agent puts the first-boot address on that
/// link and serves DHCP there, the lockdown table serves that link only, the web takes setup only from its subnet,
/// and setup's own LAN address replaces the first-boot one. One test: each step needs the state the one before left.
/// </summary>
public sealed class FirstBootLanTests(FirstBootLanTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<FirstBootLanTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private Lab.Lab? _lab;

        public Lab.Lab Lab => _lab ?? throw new InvalidOperationException("The lab did not start.");

        public async Task InitializeAsync() =>
            _lab = await Gateway.Tests.E2e.Lab.Lab.StartAsync(new LabOptions
            {
                Name = nameof(FirstBootLanTests),
                WebInRouterNamespace = true,
                AgentEnvironment = new Dictionary<string, string> { ["FirstBoot__LanInterface"] = "br-lan", ["FirstBoot__LanAddress"] = FirstBootCidr },
            });

        public async Task DisposeAsync()
        {
            if (_lab is not null)
            {
                await _lab.DisposeAsync();
            }
        }
    }

    private const string FirstBootCidr = "192.168.1.1/24";
    private const string FirstBootIp = "192.168.1.1";
    private readonly Lab.Lab _lab = fixture.Lab;

    private Task<string> BrLanAddressesAsync() =>
        _lab.ExecAsync(_lab.RouterNs, "ip -4 -o addr show dev br-lan").ContinueWith(t => t.Result.Stdout, TaskScheduler.Default);

    [Fact]
    public async Task The_first_boot_lan_gets_an_address_a_lease_and_setup_and_setup_replaces_the_first_boot_address()
    {
        Assert.Contains($"{FirstBootCidr} ", await BrLanAddressesAsync(), StringComparison.Ordinal);
        Assert.Equal(new FirstBootLan("br-lan", FirstBootCidr), (await _lab.AgentInterfacesAsync()).FirstBootLan);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? lease = null;
        Assert.True(await Eventually.TrueAsync(async () => (lease = await _lab.DhcpLeaseAsync(_lab.Lan1Ns, "laptop")) is not null, TimeSpan.FromSeconds(40)), "no first-boot lease");
        output.WriteLine($"first-boot lease {lease} after {clock.ElapsedMilliseconds} ms");
        var host = int.Parse(lease!.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lease.StartsWith("192.168.1.", StringComparison.Ordinal) && host is >= 100 and <= 249, lease);

        // Nothing from the uplink: no DNS, no DHCP.
        Assert.Null(await _lab.DigAsync(_lab.WanNs, RouterWanIp, "router"));
        Assert.Null(await _lab.DhcpLeaseAsync(_lab.WanNs, "intruder", timeoutSeconds: 6));
        await _lab.ReleaseDhcpAsync(_lab.WanNs);

        // The web takes setup only from the first-boot subnet: the lab's own 192.168.50.x on the same link is refused.
        using (var other = _lab.CreateClientIn(_lab.Lan1Ns, RouterLanIp))
        using (var refused = await other.GetAsync("/api/v1/setup"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var firstBoot = _lab.CreateClientIn(_lab.Lan1Ns, FirstBootIp);
        using (var open = await firstBoot.GetAsync("/api/v1/setup"))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        await _lab.SetupAsync(setupClient: firstBoot);

        // Setup named 192.168.50.1/24: the first-boot address (the agent's own) goes, the lab's address stays.
        Assert.True(await Eventually.TrueAsync(async () => !(await BrLanAddressesAsync()).Contains($"{FirstBootCidr} ", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), await BrLanAddressesAsync());
        Assert.Contains($"{LanCidr} ", await BrLanAddressesAsync(), StringComparison.Ordinal);
        Assert.Null((await _lab.AgentInterfacesAsync()).FirstBootLan);
        await _lab.ReleaseDhcpAsync(_lab.Lan1Ns);
    }
}
