using System.Diagnostics;
using System.Net;
using Gateway.Shared.Protocol;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// The WAN brought up by the agent against a lab ISP (dnsmasq for DHCPv4 and RAs, Kea for DHCPv6 prefix delegation)
/// with the router's WAN link starting without an address: dhcp mode leases, routes, masquerades and renews; static
/// mode sets and removes exactly its address and route; ipv6 auto numbers the LAN from the delegation and a new
/// delegation renumbers it; unmanaged leaves no client running; the host's resolver file is never written.
/// </summary>
public sealed partial class WanTests(WanTests.Fixture fixture, Ui.Chromium chromium, ITestOutputHelper output) : IClassFixture<WanTests.Fixture>, IClassFixture<Ui.Chromium>
{
    public sealed class Fixture : LabFixture
    {
        public byte[] ResolvConf { get; private set; } = [];

        protected override async Task OnSetUpAsync()
        {
            ResolvConf = await File.ReadAllBytesAsync("/etc/resolv.conf");
            await Lab.StartIspAsync();
            await Lab.StartKeaAsync("2001:db8:a00::");
        }
    }

    private const string Wan = "/api/v1/wan";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private async Task PutWanAsync(object body)
    {
        await _api.PutJsonAsync(Wan, body);
        await _lab.WaitAppliedAsync(_api);
    }

    private async Task<string> WanIpv4Async() =>
        (await _lab.ExecAsync(_lab.RouterNs, $"ip -4 -o addr show dev {_lab.WanInterface} | awk '{{print $4}}'")).Stdout.Trim();

    private async Task<string> DefaultRouteAsync() => (await _lab.ExecAsync(_lab.RouterNs, "ip -4 route show default")).Stdout.Trim();

    private async Task<bool> LanReachesIspAsync() =>
        (await _lab.ExecAsync(_lab.Lan1Ns, $"ping -c1 -W2 {WanHostIp}")).Succeeded;

    private string Upstream() =>
        File.Exists(Path.Combine(_lab.DnsmasqDir, "upstream.conf")) ? File.ReadAllText(Path.Combine(_lab.DnsmasqDir, "upstream.conf")) : "";

    /// <summary>Back to unmanaged: no dhcpcd left, nothing the agent added left on the link.</summary>
    private async Task UnmanagedAsync()
    {
        await PutWanAsync(new { mode = "unmanaged" });
        Assert.True(await Eventually.TrueAsync(async () => (await _lab.RouterDhcpcdPidsAsync()).Count == 0, Within), "dhcpcd still runs after unmanaged");
        Assert.True(await Eventually.TrueAsync(async () => await WanIpv4Async() == "", Within), $"the WAN link kept {await WanIpv4Async()}");
        Assert.Equal("", await DefaultRouteAsync());
    }

    [Fact]
    public async Task Dhcp_mode_leases_the_wan_routes_the_lan_through_masquerade_renews_and_leaves_resolv_conf_alone()
    {
        Assert.Equal("", await WanIpv4Async());
        var clock = Stopwatch.StartNew();
        await PutWanAsync(new { mode = "dhcp" });
        try
        {
            Assert.True(await Eventually.TrueAsync(async () => (await WanIpv4Async()).StartsWith("203.0.113.1", StringComparison.Ordinal), Within), "no DHCP lease on the WAN");
            output.WriteLine($"WAN leased {await WanIpv4Async()} {clock.ElapsedMilliseconds} ms after the PUT");
            var address = await WanIpv4Async();
            Assert.Contains($"via 203.0.113.2 dev {_lab.WanInterface}", await DefaultRouteAsync(), StringComparison.Ordinal);
            Assert.True(await Eventually.TrueAsync(LanReachesIspAsync, Within), "LAN1 does not reach the ISP through masquerade");

            Assert.True(await Eventually.TrueAsync(async () => (await _api.GetJsonAsync($"{Wan}/status"))["dnsServers"]!.AsArray().Count > 0, Within), "no DNS servers learnt");
            var status = await _api.GetJsonAsync($"{Wan}/status");
            output.WriteLine(status.ToJsonString());
            Assert.Equal("dhcp", (string?)status["mode"]);
            Assert.True((bool)status["up"]!);
            Assert.Contains(address, status["addresses"]!.AsArray().Select(a => (string?)a));
            Assert.Equal("203.0.113.2", (string?)status["gateway"]);
            Assert.Equal([IspDns], status["dnsServers"]!.AsArray().Select(a => (string?)a));
            Assert.True(DateTimeOffset.Parse((string)status["leaseExpiresAt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            Assert.NotNull(status["lastChange"]);
            // The learnt server is the LAN resolver's upstream.
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Upstream().Contains(IspDns, StringComparison.Ordinal)), Within), $"dnsmasq's upstream: {Upstream()}");

            Assert.Equal([address], status["addresses"]!.AsArray().Select(a => (string?)a).Where(a => !a!.Contains(':', StringComparison.Ordinal)));

            // A renewal (T1 = 4 s) keeps the address (the counters run since the agent started: compare with now).
            static long Count(WanStatusReply reply, string kind) => reply.Changes.Single(c => c.Kind == kind).Count;
            var before = await _lab.AgentWanStatusAsync();
            Assert.True(await Eventually.TrueAsync(async () => Count(await _lab.AgentWanStatusAsync(), "renewal") > Count(before, "renewal"), Within), "no renewal seen");
            Assert.Equal(address, await WanIpv4Async());
            Assert.Equal(Count(before, "address"), Count(await _lab.AgentWanStatusAsync(), "address"));

            // A killed client is started again.
            // The oldest dhcpcd process is the one the agent started (the others are its privilege-separated helpers).
            var pid = (await _lab.RouterDhcpcdPidsAsync()).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Min();
            var restarts = Count(await _lab.AgentWanStatusAsync(), "client-restart");
            await _lab.MustAsync(_lab.RouterNs, $"kill -9 {pid}");
            Assert.True(await Eventually.TrueAsync(async () => Count(await _lab.AgentWanStatusAsync(), "client-restart") > restarts && (await _lab.RouterDhcpcdPidsAsync()).Count > 0, Within), "dhcpcd was not started again");
            Assert.True(await Eventually.TrueAsync(async () => await WanIpv4Async() == address, Within), $"the restarted client holds {await WanIpv4Async()}");

            Assert.Equal(fixture.ResolvConf, await File.ReadAllBytesAsync("/etc/resolv.conf"));
        }
        finally
        {
            await UnmanagedAsync();
        }

        Assert.Equal(fixture.ResolvConf, await File.ReadAllBytesAsync("/etc/resolv.conf"));
    }

    [Fact]
    public async Task Static_mode_sets_address_route_and_dns_and_unmanaged_removes_exactly_them()
    {
        var bad = await _api.SendJsonAsync(HttpMethod.Put, Wan, new { mode = "static", address = "203.0.113.9/24", gateway = "198.51.100.1" }, HttpStatusCode.BadRequest);
        Assert.NotNull(bad!["errors"]!["gateway"]);
        Assert.Equal("unmanaged", (string?)(await _api.GetJsonAsync(Wan))["mode"]);

        await PutWanAsync(new { mode = "static", address = "203.0.113.9/24", gateway = "203.0.113.2", dns = new[] { "198.51.100.53" } });
        try
        {
            Assert.True(await Eventually.TrueAsync(async () => await WanIpv4Async() == "203.0.113.9/24", Within), $"the WAN holds {await WanIpv4Async()}");
            Assert.Contains($"via 203.0.113.2 dev {_lab.WanInterface}", await DefaultRouteAsync(), StringComparison.Ordinal);
            Assert.True(await Eventually.TrueAsync(LanReachesIspAsync, Within), "LAN1 does not reach the ISP through masquerade");
            Assert.Empty(await _lab.RouterDhcpcdPidsAsync());
            var status = await _api.GetJsonAsync($"{Wan}/status");
            Assert.Equal("static", (string?)status["mode"]);
            Assert.True((bool)status["up"]!);
            Assert.Equal("203.0.113.2", (string?)status["gateway"]);
            Assert.Equal(["198.51.100.53"], status["dnsServers"]!.AsArray().Select(a => (string?)a));
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Upstream().Contains("198.51.100.53", StringComparison.Ordinal)), Within), $"dnsmasq's upstream: {Upstream()}");

            // Moved within the subnet: the old address and nothing else goes.
            await PutWanAsync(new { mode = "static", address = "203.0.113.10/24", gateway = "203.0.113.2" });
            Assert.True(await Eventually.TrueAsync(async () => await WanIpv4Async() == "203.0.113.10/24", Within), $"the WAN holds {await WanIpv4Async()}");
            Assert.True(await Eventually.TrueAsync(LanReachesIspAsync, Within), "LAN1 lost the ISP after the move");
        }
        finally
        {
            await UnmanagedAsync();
        }
    }

    [Fact]
    public async Task Ipv6_auto_numbers_the_lan_from_the_delegation_and_a_new_delegation_renumbers_it()
    {
        await _api.UpdateNetworkAsync(_lab, n => n["lanIpv6"] = "auto");
        await _lab.MustAsync(_lab.Lan2Ns, "sysctl -qw net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1");
        Task<string> Slaac() => _lab.ExecAsync(_lab.Lan2Ns, "ip -6 -o addr show dev eth0 dynamic").ContinueWith(t => t.Result.Stdout, TaskScheduler.Default);
        string? Preferred(string text, string prefix) =>
            text.Split('\n').Where(l => l.Contains(prefix, StringComparison.Ordinal) && !l.Contains("deprecated", StringComparison.Ordinal))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split('/')[0]).FirstOrDefault();
        await PutWanAsync(new { mode = "dhcp", ipv6 = "auto", prefixHint = 56 });
        try
        {
            Assert.True(await Eventually.TrueAsync(async () => (await _lab.RouterAddresses6Async(_lab.LanInterface)).Any(a => a.StartsWith("2001:db8:a00::1/64", StringComparison.Ordinal)), Within),
                $"no delegated /64 on the LAN: {string.Join(' ', await _lab.RouterAddresses6Async(_lab.LanInterface))}");
            // The event reaches the agent on its own clock (a hook file it polls).
            Assert.True(await Eventually.TrueAsync(async () => (string?)(await _api.GetJsonAsync($"{Wan}/status"))["delegatedPrefix"] == "2001:db8:a00::/56", Within), "the status shows no delegated prefix");
            output.WriteLine((await _api.GetJsonAsync($"{Wan}/status")).ToJsonString());

            Assert.True(await Eventually.TrueAsync(async () => Preferred(await Slaac(), "2001:db8:a00:0:") is not null, Within), $"LAN2 has no SLAAC address in the delegated prefix:\n{await Slaac()}");
            var first = Preferred(await Slaac(), "2001:db8:a00:0:")!;
            Assert.True(await Eventually.TrueAsync(async () => (await _lab.ExecAsync(_lab.Lan2Ns, $"ping -6 -c1 -W2 -I {first} {WanHostIp6}")).Succeeded, Within), $"{first} does not reach the ISP's host");

            // A pinhole by host suffix: LAN2 also holds ::11 in whatever prefix the LAN has.
            const int port = 7790;
            await _api.CreatePinholeAsync(_lab, new { name = "lan2 by suffix", enabled = true, protocol = "tcp", port, hostSuffix = Lan2Suffix6 });
            await using var server = _lab.StartTcpEchoServer(_lab.Lan2Ns, port, "lan2", "::");
            await _lab.MustAsync(_lab.Lan2Ns, "ip -6 addr add 2001:db8:a00::11/64 dev eth0 nodad");
            Assert.True(await Eventually.TrueAsync(async () => await TcpExchangeAsync(_lab.WanNs, "2001:db8:a00::11", port, timeout: TimeSpan.FromSeconds(2)) == "lan2", Within), "the pinhole does not admit its port");

            // The ISP delegates from another pool: the next renewal renumbers the LAN.
            var clock = Stopwatch.StartNew();
            await _lab.StartKeaAsync("2001:db8:b00::");
            Assert.True(await Eventually.TrueAsync(async () => Preferred(await Slaac(), "2001:db8:b00:0:") is not null, TimeSpan.FromSeconds(60)), $"LAN2 never used the new prefix:\n{await Slaac()}");
            output.WriteLine($"new delegation → LAN host holds a preferred address in it: {clock.ElapsedMilliseconds} ms");
            var second = Preferred(await Slaac(), "2001:db8:b00:0:")!;
            Assert.True(await Eventually.TrueAsync(async () => Preferred(await Slaac(), "2001:db8:a00:0:") is null, Within), $"the old prefix was not deprecated:\n{await Slaac()}");
            var lan = await _lab.RouterAddresses6Async(_lab.LanInterface);
            Assert.Contains(lan, a => a.StartsWith("2001:db8:b00::1/64", StringComparison.Ordinal));
            Assert.DoesNotContain(lan, a => a.StartsWith("2001:db8:a00::1/64", StringComparison.Ordinal));
            Assert.True(await Eventually.TrueAsync(async () => (string?)(await _api.GetJsonAsync($"{Wan}/status"))["delegatedPrefix"] == "2001:db8:b00::/56", Within), "the status kept the old prefix");
            Assert.True(await Eventually.TrueAsync(async () => (await _lab.ExecAsync(_lab.Lan2Ns, $"ping -6 -c1 -W2 -I {second} {WanHostIp6}")).Succeeded, Within), $"{second} does not reach the ISP's host");

            await _lab.MustAsync(_lab.Lan2Ns, "ip -6 addr add 2001:db8:b00::11/64 dev eth0 nodad");
            Assert.True(await Eventually.TrueAsync(async () => await TcpExchangeAsync(_lab.WanNs, "2001:db8:b00::11", port, timeout: TimeSpan.FromSeconds(2)) == "lan2", Within), "the pinhole does not follow the new prefix");
        }
        finally
        {
            await UnmanagedAsync();
            await _lab.ExecAsync(_lab.Lan2Ns, "sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0; ip -6 addr flush dev eth0 dynamic; ip -6 addr del 2001:db8:a00::11/64 dev eth0; ip -6 addr del 2001:db8:b00::11/64 dev eth0");
            await _lab.StartKeaAsync("2001:db8:a00::");
        }

        // Unmanaged: the delegated LAN prefix went with the client.
        Assert.DoesNotContain(await _lab.RouterAddresses6Async(_lab.LanInterface), a => a.StartsWith("2001:db8:", StringComparison.Ordinal) && !a.StartsWith("2001:db8:50:", StringComparison.Ordinal));
    }
}
