using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Source-based routing over a second uplink. Both WAN hosts hold 192.0.2.1 (an "internet" address), so a
/// connection to it arrives at whichever host's uplink the router chose, from that uplink's router address.
/// </summary>
public sealed class PolicyRouteTests(PolicyRouteTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<PolicyRouteTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override LabOptions Options => new() { Name = nameof(PolicyRouteTests), SecondUplink = true };

        public TcpEchoServer Wan { get; private set; } = null!;

        public TcpEchoServer Wan2 { get; private set; } = null!;

        protected override async Task OnSetUpAsync()
        {
            // Another owner's routing: a rule below the agent's range and a route in a table outside it.
            await Lab.RouterAsync($"ip rule add priority {ForeignPriority} from 10.99.0.0/24 lookup {ForeignTable}");
            await Lab.RouterAsync($"ip route add 10.99.1.0/24 via {WanHostIp} dev {Lab.WanInterface} table {ForeignTable}");
            Wan = Lab.StartTcpEchoServer(Lab.WanNs, Port, "wan");
            Wan2 = Lab.StartTcpEchoServer(Lab.Wan2Ns, Port, "wan2");
        }
    }

    private const int Port = 7000;
    private const int ForeignPriority = 100;
    private const int ForeignTable = 200;
    private static readonly TimeSpan Reconcile = TimeSpan.FromSeconds(10);

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private Task<int> CreatePolicyAsync() => _api.CreateAsync(_lab, NatApi.PolicyRoutes, new
    {
        name = "lan2 via wan2",
        source = Lan2Ip,
        outInterface = Wan2Interface,
        gateway = Wan2HostIp,
        masquerade = true,
    });

    /// <summary>Which uplink a new connection from <paramref name="ns"/> took, and the source address it arrived with.</summary>
    private async Task<(string? Marker, string? Source)> ExitAsync(string ns)
    {
        var marker = await TcpExchangeAsync(ns, InternetIp, Port);
        var server = marker switch
        {
            "wan" => fixture.Wan,
            "wan2" => fixture.Wan2,
            _ => null,
        };
        return (marker, server?.Peers[^1].Address.ToString());
    }

    /// <summary><c>ip rule</c> and every table's routes, sorted, for before/after comparison.</summary>
    private async Task<string> RoutingSnapshotAsync()
    {
        var rules = await _lab.RouterAsync("ip -4 rule show");
        var routes = await _lab.RouterAsync("ip -4 route show table all");
        return string.Join('\n', rules.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
            + "\n--\n" + string.Join('\n', routes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheSecondLanHostLeavesThroughWan2WhileTheFirstKeepsTheMainUplink()
    {
        // Without a policy both leave through the main uplink's default route.
        Assert.Equal(("wan", RouterWanIp), await ExitAsync(_lab.Lan2Ns));
        var before = await RoutingSnapshotAsync();
        output.WriteLine(before);

        var id = await CreatePolicyAsync();
        var deleted = false;
        try
        {
            Assert.Equal(("wan2", RouterWan2Ip), await ExitAsync(_lab.Lan2Ns));
            Assert.Equal(("wan", RouterWanIp), await ExitAsync(_lab.Lan1Ns));
            // LAN destinations never follow the policy's default route.
            await using (var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1"))
            {
                Assert.Equal("lan1", await TcpExchangeAsync(_lab.Lan2Ns, Lan1Ip, Port));
            }

            var during = await RoutingSnapshotAsync();
            output.WriteLine(during);
            Assert.Contains($"{ForeignPriority}:\tfrom 10.99.0.0/24 lookup {ForeignTable}", during, StringComparison.Ordinal);
            Assert.Contains($"10.99.1.0/24 via {WanHostIp} dev {_lab.WanInterface} table {ForeignTable}", during, StringComparison.Ordinal);
            Assert.Contains("30000:", during, StringComparison.Ordinal);
            Assert.Contains(during.Split('\n'), line => line.StartsWith($"default via {Wan2HostIp} dev {Wan2Interface}", StringComparison.Ordinal)
                && line.Contains("table 30001", StringComparison.Ordinal));

            // The ruleset view lists the agent's rules and routes below the table.
            var ruleset = await _api.GetTextAsync("/api/v1/ruleset");
            var tableEnd = ruleset.LastIndexOf("\n}", StringComparison.Ordinal);
            Assert.True(tableEnd > 0, "no table text in GET /ruleset: " + ruleset);
            var below = ruleset[tableEnd..];
            Assert.Contains(Wan2HostIp, below, StringComparison.Ordinal);
            Assert.Contains("30001", below, StringComparison.Ordinal);

            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
            deleted = true;

            Assert.Equal(before, await RoutingSnapshotAsync());
            Assert.Equal(("wan", RouterWanIp), await ExitAsync(_lab.Lan2Ns));
        }
        finally
        {
            if (!deleted)
            {
                await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
            }
        }
    }

    [Fact]
    public async Task WhenWan2GoesDownTheTrafficFallsBackToTheMainUplinkAndReturnsWhenItIsUp()
    {
        var id = await CreatePolicyAsync();
        try
        {
            Assert.Equal(("wan2", RouterWan2Ip), await ExitAsync(_lab.Lan2Ns));

            await _lab.RouterAsync($"ip link set {Wan2Interface} down");
            try
            {
                var fallback = await Eventually.EqualAsync(() => ExitMarkerAsync(_lab.Lan2Ns), "wan", Reconcile);
                Assert.Equal("wan", fallback);
                Assert.Equal(RouterWanIp, fixture.Wan.Peers[^1].Address.ToString());
            }
            finally
            {
                await _lab.RouterAsync($"ip link set {Wan2Interface} up");
            }

            // The kernel dropped the policy's route with the link; the agent's reconcile puts it back.
            var back = await Eventually.EqualAsync(() => ExitMarkerAsync(_lab.Lan2Ns), "wan2", Reconcile);
            Assert.Equal("wan2", back);
            Assert.Equal(RouterWan2Ip, fixture.Wan2.Peers[^1].Address.ToString());
            Assert.Equal(("wan", RouterWanIp), await ExitAsync(_lab.Lan1Ns));
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
        }
    }

    [Fact]
    public async Task TheLooseReversePathFilterAPolicyNeededIsRestoredWhenThePolicyGoes()
    {
        const string key = "net.ipv4.conf.wan2.rp_filter";
        // A strict filter, as a distribution's sysctl.d would leave it: the policy needs it loose.
        await _lab.MustAsync(_lab.RouterNs, $"sysctl -qw net.ipv4.conf.all.rp_filter=0 {key}=1");
        async Task<string?> Mode() => await _lab.RouterSysctlAsync(key);
        var id = await CreatePolicyAsync();
        var deleted = false;
        try
        {
            Assert.Equal("2", await Eventually.EqualAsync(Mode, "2", Reconcile));

            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
            deleted = true;
            var after = await Eventually.EqualAsync(Mode, "1", Reconcile);
            output.WriteLine($"{key} after the policy went: {after}");
            Assert.Equal("1", after);

            // A restarted agent still knows what to put back: the previous value is kept in its state directory.
            id = await CreatePolicyAsync();
            deleted = false;
            Assert.Equal("2", await Eventually.EqualAsync(Mode, "2", Reconcile));
            await _lab.StopAgentAsync();
            await _lab.StartAgentAsync();
            await _lab.WaitAppliedAsync(_api);
            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
            deleted = true;
            Assert.Equal("1", await Eventually.EqualAsync(Mode, "1", Reconcile));
        }
        finally
        {
            if (!deleted)
            {
                await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
            }

            await _lab.MustAsync(_lab.RouterNs, $"sysctl -qw {key}=0");
        }
    }

    [Fact]
    public async Task DisablingThePolicyCutsItsConnectionsAndSendsNewOnesThroughTheMainUplink()
    {
        var id = await CreatePolicyAsync();
        try
        {
            using var held = await OpenTcpAsync(_lab.Lan2Ns, InternetIp, Port);
            Assert.NotNull(held);
            Assert.Equal("wan2", await held.ExchangeAsync());

            await _api.UpdateAsync(_lab, NatApi.PolicyRoutes, id, policy => policy["enabled"] = false);

            Assert.Empty(await _lab.ConntrackAsync($"-p tcp --orig-src {Lan2Ip} --dport {Port}"));
            Assert.Equal(("wan", RouterWanIp), await ExitAsync(_lab.Lan2Ns));
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, id);
        }
    }

    [Fact]
    public async Task AConnectionThroughAForwardToThePolicySourceAnswersThroughTheLinkItCameIn()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan2Ns, 7100, "lan2");
        var policy = await CreatePolicyAsync();
        var forward = await _api.CreateForwardAsync(_lab, new
        {
            name = "lan2 service",
            protocol = "tcp",
            externalPort = 8090,
            internalAddress = Lan2Ip,
            internalPort = 7100,
        });
        try
        {
            // lan2's own connections take wan2; its answers to a connection that came in on wan0 must not,
            // or the WAN host would never see them.
            Assert.Equal(("wan2", RouterWan2Ip), await ExitAsync(_lab.Lan2Ns));
            Assert.Equal("lan2", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8090));
            Assert.Equal(WanHostIp, server.Peers[^1].Address.ToString());
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, forward);
            await _api.DeleteAsync(_lab, NatApi.PolicyRoutes, policy);
        }
    }

    private async Task<string?> ExitMarkerAsync(string ns) =>
        await TcpExchangeAsync(ns, InternetIp, Port, timeout: TimeSpan.FromSeconds(1));
}
