using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// GET /api/v1/devices with real hosts and real traffic: lan2 gets a MAC from an IEEE block (a vendor), lan1 keeps
/// its locally administered one (no vendor); a static lease names a device and a deny entry blocks it. Accounting:
/// iperf3 both ways plus 300 short TCP connections from lan2, compared with an nft counter of the same packets in
/// a table of the test's own; totals across an agent and a web restart; and a conntrack reader's counters keep
/// growing while the agent accounts.
/// </summary>
public sealed partial class DevicesTests(DevicesTests.Fixture fixture) : IClassFixture<DevicesTests.Fixture>
{
    /// <summary>An Intel block of the IEEE registry: lan2's MAC in this lab.</summary>
    public const string VendorMac = "00:1b:21:50:00:0b";

    public sealed class Fixture : LabFixture
    {
        protected override async Task OnSetUpAsync()
        {
            // A registry MAC for lan2; the router forgets the old one. Short TCP close timeouts in the router: a
            // short connection ends (and its DESTROY event carries its counters) before the next dump.
            await Lab.ExecAsync(Lab.Lan2Ns, $"ip link set eth0 address {VendorMac}");
            await Lab.ExecAsync(Lab.RouterNs, "ip neigh flush dev br-lan; sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 net.netfilter.nf_conntrack_tcp_timeout_close=1 net.netfilter.nf_conntrack_tcp_timeout_fin_wait=1 net.netfilter.nf_conntrack_tcp_timeout_last_ack=1");
        }
    }

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private async Task<JsonObject?> DeviceAsync(string mac) =>
        (await _api.GetJsonArrayAsync("/api/v1/devices")).Select(d => d!.AsObject()).SingleOrDefault(d => string.Equals(d["mac"]!.GetValue<string>(), mac, StringComparison.OrdinalIgnoreCase));

    private async Task<(long Rx, long Tx)> TotalsAsync(string mac) =>
        await DeviceAsync(mac) is { } device
            ? (device["traffic"]!["rxBytes"]!.GetValue<long>(), device["traffic"]!["txBytes"]!.GetValue<long>())
            : (0, 0);

    [Fact]
    public async Task HostsAreListedWithVendorNameAndBlockedState()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7700, "wan");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 7700));
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 7700));
        await _api.PostJsonAsync("/api/v1/static-leases", new { name = "printer", mac = _lab.Lan1Mac, address = Lan1Ip, enabled = true });

        Assert.True(await Eventually.TrueAsync(async () => await DeviceAsync(VendorMac) is { } d && d["online"]!.GetValue<bool>(), TimeSpan.FromSeconds(20)), "lan2 never listed online");
        var lan2 = (await DeviceAsync(VendorMac))!;
        Assert.Contains("Intel", lan2["vendor"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Lan2Ip, lan2["addresses"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.False(lan2["blocked"]!.GetValue<bool>());

        var lan1 = (await DeviceAsync(_lab.Lan1Mac))!;
        Assert.Null(lan1["vendor"]);
        Assert.Equal("printer", lan1["name"]!.GetValue<string>());
        Assert.False(lan1["blocked"]!.GetValue<bool>());

        var entry = (await _api.PostJsonAsync("/api/v1/mac-filters", new { mac = _lab.Lan1Mac, name = "printer", enabled = true }))!["id"]!.GetValue<int>();
        await _api.PutJsonAsync("/api/v1/mac-filters/policy", new { mode = "deny-listed" });
        try
        {
            Assert.True((await DeviceAsync(_lab.Lan1Mac))!["blocked"]!.GetValue<bool>());
            Assert.False((await DeviceAsync(VendorMac))!["blocked"]!.GetValue<bool>());
        }
        finally
        {
            await _api.PutJsonAsync("/api/v1/mac-filters/policy", new { mode = "off" });
            await _api.DeleteAsync($"/api/v1/mac-filters/{entry}");
            await _lab.WaitAppliedAsync(_api);
        }
    }

    [Fact]
    public async Task PerDeviceBytesAgreeWithAnNftCounterWithin1PercentForIperfBothWaysAndShortConnections()
    {
        await using var counter = await ForwardCounter.CreateAsync(_lab, Lan2Ip);
        var before = await SettledTotalsAsync(VendorMac);
        var counted = await counter.ReadAsync();

        // One server run per test (-1), daemonized; the client retries until it is listening.
        foreach (var reverse in new[] { "", " -R" })
        {
            var server = await _lab.ExecAsync(_lab.WanNs, "iperf3 -s -1 -D -p 5201 --logfile /dev/null");
            Assert.True(server.Succeeded, server.ToString());
            Assert.True(
                await Eventually.TrueAsync(async () => (await _lab.ExecAsync(_lab.Lan2Ns, $"iperf3 -c {WanHostIp} -p 5201 -t 2 -b 100M{reverse}")).Succeeded, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)),
                $"iperf3{reverse} never ran");
        }

        // 300 short connections, each a little data both ways and a reset close: gone within a second.
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7701, "wan");
        var shorts = await _lab.ExecAsync(_lab.Lan2Ns, "python3 - <<'PY'\n" +
            "import socket, struct\n" +
            "for i in range(300):\n" +
            $"    s = socket.create_connection(('{WanHostIp}', 7701), timeout=5)\n" +
            "    s.sendall(b'x' * 700 + b'\\n')\n" +
            "    s.recv(4096)\n" +
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))\n" +
            "    s.close()\n" +
            "PY", TimeSpan.FromSeconds(120));
        Assert.True(shorts.Succeeded, shorts.ToString());

        var (rxNow, txNow) = await counter.ReadAsync();
        var (rx, tx) = (rxNow - counted.Rx, txNow - counted.Tx);
        Assert.True(rx > 20_000_000 && tx > 20_000_000, $"iperf3 moved too little: rx {rx}, tx {tx}");
        (long Rx, long Tx) grown = default;
        var agreed = await Eventually.TrueAsync(async () =>
        {
            var now = await TotalsAsync(VendorMac);
            grown = (now.Rx - before.Rx, now.Tx - before.Tx);
            return Math.Abs(grown.Rx - rx) <= rx / 100 && Math.Abs(grown.Tx - tx) <= tx / 100;
        }, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        Assert.True(agreed, $"device rx {grown.Rx} tx {grown.Tx}; nft rx {rx} tx {tx}");

        var hours = await _api.GetJsonArrayAsync($"/api/v1/devices/{VendorMac}/traffic?bucket=hour");
        Assert.True(hours.Sum(h => h!["rxBytes"]!.GetValue<long>()) >= grown.Rx);
        var metrics = await _api.GetTextAsync("/metrics");
        Assert.Matches($"gateway_device_bytes_total{{mac=\"{VendorMac}\",name=\"[^\"]*\",direction=\"rx\"}} [0-9]+", metrics);
        Assert.Contains($"gateway_device_connections{{mac=\"{VendorMac}\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TotalsNeverGoBackAcrossAnAgentAndAWebRestart()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7702, "wan");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 7702));
        var first = await SettledTotalsAsync(VendorMac);
        Assert.True(first.Rx > 0 && first.Tx > 0, $"{first}");

        await _lab.StopAgentAsync();
        await _lab.StartAgentAsync();
        Assert.True(await Eventually.TrueAsync(async () => (await _api.GetJsonAsync("/api/v1/status"))["agentConnected"]!.GetValue<bool>(), TimeSpan.FromSeconds(30)));
        var afterAgent = await SettledTotalsAsync(VendorMac);
        Assert.True(afterAgent.Rx >= first.Rx && afterAgent.Tx >= first.Tx, $"{afterAgent} after {first}");

        await _lab.StopWebAsync();
        await _lab.StartWebAsync();
        var afterWeb = await TotalsAsync(VendorMac);
        Assert.True(afterWeb.Rx >= afterAgent.Rx && afterWeb.Tx >= afterAgent.Tx, $"{afterWeb} after {afterAgent}");

        // And the restarted pair counts on.
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 7702));
        Assert.True(await Eventually.TrueAsync(async () => (await TotalsAsync(VendorMac)).Tx > afterWeb.Tx, TimeSpan.FromSeconds(30)), "no growth after the restarts");
    }

    [Fact]
    public async Task AnotherReadersConntrackByteCountersKeepGrowing()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7703, "wan");
        using var stream = await OpenTcpAsync(_lab.Lan1Ns, WanHostIp, 7703);
        Assert.NotNull(stream);
        Assert.Equal("wan", await stream.ExchangeAsync());
        var first = await ConntrackBytesAsync(7703);
        Assert.True(first > 0, "no conntrack byte counters");

        // Several of the agent's dumps later (each every 2 s), with more traffic: a zeroing reader would have reset them.
        var accounted = await TotalsAsync(_lab.Lan1Mac);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("wan", await stream.ExchangeAsync());
        }

        Assert.True(await Eventually.TrueAsync(async () => (await TotalsAsync(_lab.Lan1Mac)).Tx > accounted.Tx, TimeSpan.FromSeconds(30)), "the agent never accounted the stream");
        var last = await ConntrackBytesAsync(7703);
        Assert.True(last > first, $"conntrack bytes went from {first} to {last}");
    }

    /// <summary>The original-direction bytes of the one conntrack entry to the WAN host's <paramref name="port"/>, as <c>conntrack -L</c> reads them.</summary>
    private async Task<long> ConntrackBytesAsync(int port)
    {
        var listed = await _lab.ExecAsync(_lab.RouterNs, $"conntrack -L -p tcp --dport {port} -d {WanHostIp} 2>/dev/null");
        var match = BytesPattern().Match(listed.Stdout);
        Assert.True(match.Success, listed.ToString());
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The device's totals once two readings 3 s apart agree (the agent dumps every 2 s, the web polls every 5 s or when asked).</summary>
    private async Task<(long Rx, long Tx)> SettledTotalsAsync(string mac)
    {
        var last = await TotalsAsync(mac);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var now = await TotalsAsync(mac);
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    [GeneratedRegex(@"bytes=(\d+)")]
    private static partial Regex BytesPattern();
}
