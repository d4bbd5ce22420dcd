using Gateway.Shared.Config;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// The LAN served by the agent's dnsmasq, with real packets: DHCP leases (dynamic and static) to dhcpcd in the LAN
/// hosts, local names, reverse lookups and upstream answers to <c>dig</c>, nothing for the WAN host, a killed dnsmasq
/// back within seconds, a reload that loses no query, router advertisements with RDNSS and a deprecated old prefix,
/// and the LAN address on the LAN link. Configs go to the agent over its socket (the REST resources are the web's).
/// Each test applies the whole config it needs first.
/// </summary>
public sealed class LanServicesTests(LanServicesTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<LanServicesTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private Lab.Lab? _lab;

        public Lab.Lab Lab => _lab ?? throw new InvalidOperationException("The lab did not start.");

        public async Task InitializeAsync()
        {
            _lab = await Gateway.Tests.E2e.Lab.Lab.StartAsync(new LabOptions { Name = nameof(LanServicesTests) });
            // The fake internet's resolver on the WAN host: one name, nothing else.
            _lab.StartInNs(_lab.WanNs, $"exec dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= --log-facility=- --user=root " +
                $"--listen-address={WanHostIp} --bind-interfaces --no-resolv --no-hosts --address=/example.test/198.51.100.7");
        }

        public async Task DisposeAsync()
        {
            if (_lab is not null)
            {
                await _lab.DisposeAsync();
            }
        }
    }

    private const string NasAddress = "192.168.50.60";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private readonly Lab.Lab _lab = fixture.Lab;

    private GatewayConfig Config(IReadOnlyList<DnsHost>? hosts = null, string lanAddress = LanCidr, string? lanIpv6 = null) =>
        _lab.LanServicesConfig(
            lanAddress == LanCidr ? [new StaticLease(1, "nas", _lab.Lan2Mac, NasAddress)] : [],
            hosts ?? [new DnsHost("printer", "192.168.50.70")],
            [WanHostIp],
            lanAddress,
            lanIpv6);

    private async Task ApplyAsync(GatewayConfig config)
    {
        var applied = await _lab.ApplyToAgentAsync(config);
        Assert.True(applied.Ok, applied.Error);
    }

    /// <summary>dnsmasq answers (it starts, or restarts, in the background after an apply).</summary>
    private async Task DnsUpAsync() =>
        Assert.True(await Eventually.TrueAsync(async () => await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "printer") == "192.168.50.70", Within), "dnsmasq never answered on the LAN");

    [Fact]
    public async Task A_dhcp_client_gets_a_lease_in_range_and_a_static_lease_gets_exactly_its_address()
    {
        await ApplyAsync(Config());
        await DnsUpAsync();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var dynamic = await _lab.DhcpLeaseAsync(_lab.Lan1Ns, "laptop");
            output.WriteLine($"lan1 got {dynamic} in {clock.ElapsedMilliseconds} ms");
            Assert.NotNull(dynamic);
            var host = int.Parse(dynamic.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(dynamic.StartsWith("192.168.50.", StringComparison.Ordinal) && host is >= 100 and <= 199, $"{dynamic} is outside the range");

            Assert.Equal(NasAddress, await _lab.DhcpLeaseAsync(_lab.Lan2Ns, "anything"));

            var leases = (await _lab.AgentLeasesAsync()).Leases;
            var laptop = Assert.Single(leases, l => l.Address == dynamic);
            Assert.Equal("laptop", laptop.Hostname);
            Assert.False(laptop.Static);
            Assert.NotNull(laptop.ExpiresAt);
            Assert.True(Assert.Single(leases, l => l.Address == NasAddress).Static);
        }
        finally
        {
            await _lab.ReleaseDhcpAsync(_lab.Lan1Ns);
            await _lab.ReleaseDhcpAsync(_lab.Lan2Ns);
        }
    }

    [Fact]
    public async Task Local_names_reverse_lookups_and_upstream_names_resolve_from_the_lan()
    {
        await ApplyAsync(Config());
        await DnsUpAsync();
        try
        {
            var laptop = await _lab.DhcpLeaseAsync(_lab.Lan1Ns, "laptop");
            Assert.NotNull(laptop);

            Assert.Equal(NasAddress, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "nas"));
            Assert.Equal(NasAddress, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "nas.lan"));
            Assert.Equal(NasAddress, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "nas.lan", tcp: true));
            Assert.Equal(laptop, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "laptop"));
            Assert.Equal(laptop, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "laptop.lan"));
            Assert.Equal("192.168.50.70", await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "printer"));
            Assert.StartsWith("nas", await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, $"-x {NasAddress}") ?? "", StringComparison.Ordinal);
            Assert.StartsWith("laptop", await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, $"-x {laptop}") ?? "", StringComparison.Ordinal);
            Assert.Equal("198.51.100.7", await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "www.example.test"));
        }
        finally
        {
            await _lab.ReleaseDhcpAsync(_lab.Lan1Ns);
        }
    }

    [Fact]
    public async Task The_wan_host_gets_neither_dns_answers_nor_dhcp_offers()
    {
        await ApplyAsync(Config());
        await DnsUpAsync();

        Assert.Null(await _lab.DigAsync(_lab.WanNs, RouterWanIp, "nas"));
        Assert.Null(await _lab.DigAsync(_lab.WanNs, RouterWanIp, "nas", tcp: true));
        var route = await _lab.ExecAsync(_lab.WanNs, $"ip route add 192.168.50.0/24 via {RouterWanIp}");
        Assert.True(route.Succeeded, route.ToString());
        try
        {
            // Routed to the LAN address: dnsmasq's bind-dynamic would accept TCP; the firewall must not let it.
            Assert.Null(await _lab.DigAsync(_lab.WanNs, RouterLanIp, "nas"));
            Assert.Null(await _lab.DigAsync(_lab.WanNs, RouterLanIp, "nas", tcp: true));
        }
        finally
        {
            await _lab.ExecAsync(_lab.WanNs, "ip route del 192.168.50.0/24");
        }

        try
        {
            Assert.Null(await _lab.DhcpLeaseAsync(_lab.WanNs, "intruder", timeoutSeconds: 6));
        }
        finally
        {
            await _lab.ReleaseDhcpAsync(_lab.WanNs);
        }

        // ...and the same questions from the LAN are answered, so the silence above is the firewall's.
        Assert.Equal(NasAddress, await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "nas", tcp: true));
    }

    [Fact]
    public async Task A_dnsmasq_killed_with_sigkill_answers_again_within_seconds()
    {
        await ApplyAsync(Config());
        await DnsUpAsync();
        var pid = await _lab.DnsmasqPidAsync();
        Assert.NotNull(pid);

        var kill = await _lab.ExecAsync(_lab.RouterNs, $"kill -KILL {pid}");
        Assert.True(kill.Succeeded, kill.ToString());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(await Eventually.TrueAsync(async () => await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "nas") == NasAddress, TimeSpan.FromSeconds(10)), "dnsmasq did not come back");
        output.WriteLine($"answering again after {clock.ElapsedMilliseconds} ms");
        Assert.NotEqual(pid, await _lab.DnsmasqPidAsync());
    }

    [Fact]
    public async Task A_query_loop_while_names_change_loses_nothing_and_dnsmasq_is_reloaded_not_restarted()
    {
        await ApplyAsync(Config());
        await DnsUpAsync();
        var pid = await _lab.DnsmasqPidAsync();

        // 150 queries, one every ~20 ms, each given one try of 1 s: any query lost to a restart fails the loop.
        var loop = _lab.ExecAsync(_lab.Lan1Ns,
            $"ok=0; bad=0; for i in $(seq 150); do r=$(dig +short +tries=1 +time=1 @{RouterLanIp} nas); " +
            $"if [ \"$r\" = {NasAddress} ]; then ok=$((ok+1)); else bad=$((bad+1)); fi; sleep 0.02; done; echo \"$ok $bad\"",
            TimeSpan.FromSeconds(120));
        for (var i = 0; i < 5; i++)
        {
            await ApplyAsync(Config([new DnsHost("printer", "192.168.50.70"), new DnsHost($"extra{i}", $"192.168.50.{80 + i}")]));
            await Task.Delay(150);
        }

        var counts = (await loop).Stdout.Trim();
        output.WriteLine($"answered, lost: {counts}");
        Assert.Equal("150 0", counts);
        Assert.Equal("192.168.50.84", await _lab.DigAsync(_lab.Lan1Ns, RouterLanIp, "extra4"));
        Assert.Equal(pid, await _lab.DnsmasqPidAsync());
    }

    [Fact]
    public async Task A_lan_host_autoconfigures_from_the_router_advertisement_and_a_prefix_change_deprecates_the_old_address()
    {
        await ApplyAsync(Config(lanIpv6: "2001:db8:50::1/64"));
        await DnsUpAsync();
        var sysctl = await _lab.ExecAsync(_lab.Lan2Ns, "sysctl -qw net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1");
        Assert.True(sysctl.Succeeded, sysctl.ToString());
        try
        {
            var ra = await _lab.ExecAsync(_lab.Lan2Ns, "rdisc6 -1 -w 3000 eth0");
            output.WriteLine(ra.Stdout);
            Assert.Contains("2001:db8:50::/64", ra.Stdout, StringComparison.Ordinal);
            Assert.Contains("Recursive DNS server", ra.Stdout, StringComparison.Ordinal);
            Assert.Contains("DNS search list", ra.Stdout, StringComparison.Ordinal);

            Task<string> Slaac() => _lab.ExecAsync(_lab.Lan2Ns, "ip -6 -o addr show dev eth0 dynamic").ContinueWith(t => t.Result.Stdout, TaskScheduler.Default);
            Assert.True(await Eventually.TrueAsync(async () => (await Slaac()).Contains("2001:db8:50:0:", StringComparison.Ordinal), Within), "no SLAAC address");

            await ApplyAsync(Config(lanIpv6: "2001:db8:51::1/64"));

            Assert.True(
                await Eventually.TrueAsync(async () => (await Slaac()).Split('\n').Any(l => l.Contains("2001:db8:50:0:", StringComparison.Ordinal) && l.Contains("deprecated", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)),
                $"the old prefix was not deprecated:\n{await Slaac()}");
            Assert.True(await Eventually.TrueAsync(async () => (await Slaac()).Contains("2001:db8:51:0:", StringComparison.Ordinal), Within), "no address from the new prefix");
        }
        finally
        {
            await _lab.ExecAsync(_lab.Lan2Ns, "sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0; ip -6 addr flush dev eth0 dynamic");
            await ApplyAsync(Config());
        }
    }

    [Fact]
    public async Task The_lan_address_is_put_on_the_link_moved_with_the_setting_and_addresses_someone_else_added_stay()
    {
        Task<string> Addresses() => _lab.ExecAsync(_lab.RouterNs, "ip -4 -o addr show dev br-lan").ContinueWith(t => t.Result.Stdout, TaskScheduler.Default);
        try
        {
            // The link lacks 192.168.60.1: the agent adds it. 192.168.50.1 is lab.sh's, not the agent's: it stays.
            await ApplyAsync(Config(lanAddress: "192.168.60.1/24"));
            var moved = await Addresses();
            Assert.Contains("192.168.60.1/24 ", moved, StringComparison.Ordinal);
            Assert.Contains($"{LanCidr} ", moved, StringComparison.Ordinal);

            // Someone adds a second address in the agent's subnet; removing the agent's (the primary) must not take it
            // along (promote_secondaries).
            var foreign = await _lab.ExecAsync(_lab.RouterNs, "ip addr add 192.168.60.7/24 dev br-lan");
            Assert.True(foreign.Succeeded, foreign.ToString());

            await ApplyAsync(Config());
            var back = await Addresses();
            Assert.DoesNotContain("192.168.60.1/24 ", back, StringComparison.Ordinal);
            Assert.Contains("192.168.60.7/24 ", back, StringComparison.Ordinal);
            Assert.Contains($"{LanCidr} ", back, StringComparison.Ordinal);
        }
        finally
        {
            await _lab.ExecAsync(_lab.RouterNs, "ip addr del 192.168.60.7/24 dev br-lan");
            await ApplyAsync(Config());
        }
    }
}
