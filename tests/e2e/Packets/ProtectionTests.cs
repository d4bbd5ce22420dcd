using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Protection proven with crafted packets from the WAN host (hping3): a spoofed LAN source, a bare ACK, ping
/// on and off, and a table deleted by hand coming back. What reached a LAN host is counted by a table of the
/// test's own in that host's namespace, so "nothing got through" is a count of zero, not a missing reply.
/// Every test starts from the default protection.
/// </summary>
public sealed partial class ProtectionTests(ProtectionTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<ProtectionTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture
    {
        /// <summary>GET /protection right after setup, before any test wrote it (or why it failed).</summary>
        public string InitialProtection { get; private set; } = "";

        protected override async Task OnSetUpAsync()
        {
            try
            {
                InitialProtection = (await Api.GetJsonAsync(RulesApi.Protection)).ToJsonString();
            }
            catch (HttpRequestException e)
            {
                InitialProtection = e.Message;
            }
        }
    }

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;
    private readonly string _initialProtection = fixture.InitialProtection;

    public async Task InitializeAsync() => await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection());

    public async Task DisposeAsync() => await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection());

    [Fact]
    public async Task DefaultProtectionIsWhatTheContractStates()
    {
        // As set up, before any PUT: the defaults a fresh router runs with.
        var initial = JsonNode.Parse(_initialProtection.StartsWith('{') ? _initialProtection : "null");
        Assert.True(JsonNode.DeepEquals(RulesApi.DefaultProtection(), initial), $"GET protection after setup: {_initialProtection}");
        // And a PUT of them reads back the same.
        var protection = await _api.GetJsonAsync(RulesApi.Protection);
        Assert.True(JsonNode.DeepEquals(RulesApi.DefaultProtection(), protection), $"GET protection: {protection.ToJsonString()}");
    }

    [Fact]
    public async Task SpoofedLanSourceArrivingOnTheWanNeverReachesTheLan()
    {
        await using var server = _lab.StartUdpEchoServer(_lab.Lan2Ns, 5300, "lan2-udp");
        await using var seen = await NsPacketCounter.CreateAsync(_lab, _lab.Lan2Ns, "udp5300", "udp dport 5300");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "udp service",
            protocol = "udp",
            externalPort = 5353,
            internalAddress = Lan2Ip,
            internalPort = 5300,
        });
        try
        {
            // The same hping3 packets from the WAN host's real address do arrive: the path works.
            await Hping.RunAsync(_lab, _lab.WanNs, $"-2 -p 5353 -s 31000 -a {WanHostIp} -c 3 -i u200000 {RouterWanIp}");
            var genuine = await WaitForCountAsync(seen, atLeast: 1);
            Assert.True(genuine >= 1, "not even the genuine datagrams reached the LAN server");

            await Hping.RunAsync(_lab, _lab.WanNs, $"-2 -p 5353 -s 32000 -a 192.168.50.20 -c 5 -i u200000 {RouterWanIp}");
            // The router's own LAN address is a LAN source too.
            await Hping.RunAsync(_lab, _lab.WanNs, $"-2 -p 5353 -s 33000 -a {RouterLanIp} -c 5 -i u200000 {RouterWanIp}");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = await seen.PacketsAsync();
            output.WriteLine($"genuine datagrams seen: {genuine}; after 10 spoofed ones: {after}");
            Assert.Equal(genuine, after);
            Assert.All(server.Peers, peer => Assert.Equal(WanHostIp, peer.Address.ToString()));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task BareAckToAForwardedPortIsDropped()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7800, "lan1-tcp");
        await using var seen = await NsPacketCounter.CreateAsync(_lab, _lab.Lan1Ns, "tcp7800", $"ip saddr {WanHostIp} tcp dport 7800");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "tcp service",
            protocol = "tcp",
            externalPort = 8800,
            internalAddress = Lan1Ip,
            internalPort = 7800,
        });
        try
        {
            // A SYN from hping3 is a new connection and gets through (the WAN host's kernel then resets it).
            await Hping.RunAsync(_lab, _lab.WanNs, $"-S -p 8800 -s 41000 -c 2 -i u200000 {RouterWanIp}");
            var syns = await WaitForCountAsync(seen, atLeast: 1);
            Assert.True(syns >= 1, "not even a SYN reached the LAN server");

            // A bare ACK matches no connection: conntrack's loose pickup would call it new; it must be dropped.
            await Hping.RunAsync(_lab, _lab.WanNs, $"-A -p 8800 -s 42000 -c 5 -i u200000 {RouterWanIp}");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = await seen.PacketsAsync();
            output.WriteLine($"packets seen after the SYNs: {syns}; after 5 bare ACKs: {after}");
            Assert.Equal(syns, after);
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task WanPingIsAnsweredOnlyWhenEnabled()
    {
        Assert.True(await PingAsync(_lab.Lan1Ns, RouterLanIp), "the LAN should always reach the router by ping");
        Assert.False(await PingAsync(_lab.WanNs, RouterWanIp), "wanPing is off by default");

        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection(p => p["wanPing"] = true));
        Assert.True(await PingAsync(_lab.WanNs, RouterWanIp), "wanPing on: the router should answer");

        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection(p => p["wanPing"] = false));
        Assert.False(await PingAsync(_lab.WanNs, RouterWanIp), "wanPing off again");
    }

    [Fact]
    public async Task TableDeletedByHandComesBackWithinTenSeconds()
    {
        var before = await ChainsAsync();
        Assert.NotEmpty(before);

        var deleted = await _lab.ExecAsync(_lab.RouterNs, "nft delete table inet gateway");
        Assert.True(deleted.Succeeded, deleted.ToString());

        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> after = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && after.Count == 0)
        {
            await Task.Delay(200);
            after = await ChainsAsync();
        }

        output.WriteLine($"table back after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(before, after);
        // And it is the real configuration again, not a lockdown: LAN to WAN is forwarded.
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        Assert.False(await PingAsync(_lab.WanNs, RouterWanIp), "WAN input is closed again");
    }

    /// <summary>Three echo requests, 0.2 s apart; true when at least one was answered.</summary>
    private async Task<bool> PingAsync(string fromNs, string ip)
    {
        var result = await _lab.ExecAsync(fromNs, $"ping -n -c 3 -i 0.2 -W 1 {ip}");
        return result.Succeeded;
    }

    /// <summary>The chain names of table inet gateway, sorted; empty when the table is missing.</summary>
    private async Task<IReadOnlyList<string>> ChainsAsync()
    {
        var listed = await _lab.ExecAsync(_lab.RouterNs, "nft list table inet gateway");
        return listed.Succeeded
            ? ChainPattern().Matches(listed.Stdout).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static async Task<long> WaitForCountAsync(NsPacketCounter counter, long atLeast)
    {
        var clock = Stopwatch.StartNew();
        long count;
        while ((count = await counter.PacketsAsync()) < atLeast && clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(100);
        }

        return count;
    }

    [GeneratedRegex(@"^\s*chain (\S+) \{", RegexOptions.Multiline)]
    private static partial Regex ChainPattern();
}
