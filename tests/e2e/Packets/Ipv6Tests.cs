using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// IPv6 through the router with real packets: a static <c>lanIpv6</c> the agent puts on br-lan, forwarding on,
/// LAN → WAN routed (no NAT) for TCP and UDP, unsolicited WAN → LAN dropped, path MTU discovery across a
/// 1280-byte hop, the MAC filter, a rejecting rule and a log line — all on IPv6.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class Ipv6Tests(Ipv6Tests.Fixture fixture, ITestOutputHelper output) : IClassFixture<Ipv6Tests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture
    {
        protected override async Task OnSetUpAsync() => await Api.SetLanIpv6Async(Lab, RouterLanCidr6);
    }

    private const int WanPort = 8086;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    public async Task InitializeAsync()
    {
        await _api.DeleteAllRulesAsync(_lab);
        await _api.ResetMacFilteringAsync(_lab);
    }

    public async Task DisposeAsync()
    {
        await _api.DeleteAllRulesAsync(_lab);
        await _api.ResetMacFilteringAsync(_lab);
    }

    [Fact]
    public async Task StaticLanIpv6IsOnTheLanLinkAndForwardingIsOn()
    {
        // lab.sh leaves br-lan without a global IPv6 address and IPv6 forwarding off: both are the agent's doing.
        Assert.Contains(RouterLanCidr6, await _lab.RouterAddresses6Async(_lab.LanInterface));
        Assert.Equal("1", await _lab.RouterSysctlAsync("net.ipv6.conf.all.forwarding"));
        Assert.Equal("1", await _lab.RouterSysctlAsync("net.ipv4.ip_forward"));
        // The LAN hosts reach the router's new address at once (their default route points at it).
        Assert.True((await _lab.ExecAsync(_lab.Lan1Ns, $"ping -6 -c1 -W2 {RouterLanIp6}")).Succeeded);
    }

    [Fact]
    public async Task LanToWanIsRoutedWithoutNatForTcpAndUdp()
    {
        await using var tcp = _lab.StartTcpEchoServer(_lab.WanNs, WanPort, "wan6", "::");
        await using var udp = _lab.StartUdpEchoServer(_lab.WanNs, WanPort, "wan6-udp", "::");

        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, WanPort));
        Assert.Equal("wan6-udp", await UdpExchangeAsync(_lab.Lan1Ns, WanHostIp6, WanPort));
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp6, WanPort));

        // Routed, not masqueraded: the WAN host sees the LAN hosts' own addresses.
        Assert.Contains(tcp.Peers, peer => peer.Address.Equals(IPAddress.Parse(Lan1Ip6)));
        Assert.Contains(tcp.Peers, peer => peer.Address.Equals(IPAddress.Parse(Lan2Ip6)));
        Assert.Contains(udp.Peers, peer => peer.Address.Equals(IPAddress.Parse(Lan1Ip6)));
    }

    [Fact]
    public async Task UnsolicitedWanToLanIsDroppedForTcpAndUdp()
    {
        const int port = 7606;
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan1Ns, port, "lan1-6", "::");
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, port, "lan1-6-udp", "::");
        // The servers answer on the LAN (bridged, not filtered): what the WAN misses is the router's drop.
        Assert.Equal("lan1-6", await TcpExchangeAsync(_lab.Lan2Ns, Lan1Ip6, port));
        Assert.Equal("lan1-6-udp", await UdpExchangeAsync(_lab.Lan2Ns, Lan1Ip6, port));

        var probe = await TcpProbe.ConnectAsync(_lab.WanNs, Lan1Ip6, port, timeout: TimeSpan.FromSeconds(3));
        output.WriteLine($"WAN → LAN1 tcp: {probe}");
        Assert.True(probe.TimedOut, $"unsolicited TCP from the WAN should be dropped silently: {probe}");
        Assert.Null(await UdpExchangeAsync(_lab.WanNs, Lan1Ip6, port));
        Assert.DoesNotContain(tcp.Peers, peer => peer.Address.Equals(IPAddress.Parse(WanHostIp6)));
        Assert.DoesNotContain(udp.Peers, peer => peer.Address.Equals(IPAddress.Parse(WanHostIp6)));
    }

    [Fact]
    public async Task EchoFromTheWanReachesALanHostButNotTheRouter()
    {
        // RFC 4890: echo requests in transit pass (within the ICMP limit); the router's own WAN address keeps
        // the wanPing default (off) on IPv6 as on IPv4.
        var lan = await _lab.ExecAsync(_lab.WanNs, $"ping -6 -c1 -W2 {Lan1Ip6}");
        Assert.True(lan.Succeeded, $"WAN → LAN1 echo: {lan}");
        var router = await _lab.ExecAsync(_lab.WanNs, $"ping -6 -c1 -W1 {RouterWanIp6}");
        Assert.False(router.Succeeded, $"WAN → router echo with wanPing off: {router}");

        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection(p => p["wanPing"] = true));
        try
        {
            router = await _lab.ExecAsync(_lab.WanNs, $"ping -6 -c1 -W2 {RouterWanIp6}");
            Assert.True(router.Succeeded, $"WAN → router echo with wanPing on: {router}");
        }
        finally
        {
            await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection());
        }
    }

    [Fact]
    public async Task PathMtuDiscoveryWorksAcrossA1280ByteHop()
    {
        await _lab.AddFarHostAsync();
        const int port = 9606;
        const int size = 2_000_000;

        // far advertises MSS 1440, so LAN1 sends 1500-byte packets; the WAN host's 1280-byte link refuses them
        // with a Packet Too Big that must pass the router back to LAN1, or the transfer stalls for good.
        var received = await UploadAsync(_lab.Lan1Ns, _lab.FarNs, FarHostIp6, port, size, TimeSpan.FromSeconds(30));
        Assert.Equal(size, received);

        // The Packet Too Big really was needed and arrived: LAN1 learned the path MTU.
        var route = await _lab.MustAsync(_lab.Lan1Ns, $"ip -6 route get {FarHostIp6}");
        output.WriteLine(route);
        Assert.Contains("mtu 1280", route);
    }

    [Fact]
    public async Task DenyListedMacIsDroppedOnIpv6()
    {
        await using var tcp = _lab.StartTcpEchoServer(_lab.WanNs, WanPort, "wan6", "::");
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, WanPort));

        await _api.CreateMacFilterAsync(_lab, new { mac = _lab.Lan1Mac, name = "lan1" });
        await _api.SetMacPolicyAsync(_lab, "deny-listed");

        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, WanPort));
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp6, WanPort));

        await _api.SetMacPolicyAsync(_lab, "off");
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, WanPort));
    }

    [Fact]
    public async Task ForwardRejectWithAdminProhibitedSendsIcmpv6Type1Code1()
    {
        var port = RandomNumberGenerator.GetInt32(20000, 30000);
        await using var tcp = _lab.StartTcpEchoServer(_lab.WanNs, port, "wan6", "::");
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, port));
        using var icmp = IcmpCapture.Start6(_lab.Lan1Ns);

        await _api.CreateRuleAsync(_lab, new
        {
            name = "no lan1 to wan6",
            chain = "forward",
            family = "ipv6",
            inInterface = _lab.LanInterface,
            outInterface = _lab.WanInterface,
            protocol = "tcp",
            source = Lan1Ip6,
            destinationPort = port,
            action = "reject",
            rejectWith = "admin-prohibited",
        });

        var rejected = await TcpProbe.ConnectAsync(_lab.Lan1Ns, WanHostIp6, port, timeout: TimeSpan.FromSeconds(3));
        output.WriteLine($"LAN1 → WAN after the rule: {rejected}");
        Assert.False(rejected.Connected);
        var answer = await icmp.WaitForAsync(m => m.InnerDestinationPort == port, TimeSpan.FromSeconds(3));
        Assert.NotNull(answer);
        output.WriteLine(answer.ToString());
        Assert.Equal(ProtocolType.Tcp, answer.InnerProtocol);
        Assert.Equal(IPAddress.Parse(WanHostIp6), answer.InnerDestination);
        // Destination unreachable / communication with destination administratively prohibited, and nothing else.
        Assert.All(icmp.AboutPort(port), m => Assert.Equal((1, 1), (m.Type, m.Code)));
        Assert.False(rejected.TimedOut, $"the reject should end the connect at once: {rejected}");

        // Only LAN1 is rejected.
        Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp6, port));
    }

    [Fact]
    public async Task DroppedUnsolicitedIpv6IsLogged()
    {
        await _api.SetLoggingAsync(_lab, new
        {
            droppedInput = "off",
            droppedForward = "warn",
            portForwards = "off",
            macFilter = "off",
            ratePerMinute = 600,
            burst = 50,
        });
        try
        {
            var port = RandomNumberGenerator.GetInt32(40000, 50000);
            var probe = await TcpProbe.ConnectAsync(_lab.WanNs, Lan1Ip6, port, timeout: TimeSpan.FromSeconds(2));
            Assert.False(probe.Connected);

            var entry = await WaitForEntryAsync(e => e["destinationPort"]?.GetValue<int>() == port);
            output.WriteLine(entry.ToJsonString());
            Assert.Equal("warn", entry["level"]!.GetValue<string>());
            Assert.Equal("dropped-forward", entry["category"]!.GetValue<string>());
            Assert.Equal(IPAddress.Parse(WanHostIp6), IPAddress.Parse(entry["source"]!.GetValue<string>()));
            Assert.Equal(IPAddress.Parse(Lan1Ip6), IPAddress.Parse(entry["destination"]!.GetValue<string>()));
            Assert.Equal(_lab.WanInterface, entry["inInterface"]!.GetValue<string>());
        }
        finally
        {
            await _api.SetLoggingAsync(_lab, new
            {
                droppedInput = "off",
                droppedForward = "off",
                portForwards = "off",
                macFilter = "off",
                ratePerMinute = 60,
                burst = 10,
            });
        }
    }

    [Fact]
    public async Task TurningIpv6OffRemovesTheStaticAddress()
    {
        try
        {
            await _api.SetLanIpv6Async(_lab, null);
            Assert.DoesNotContain(RouterLanCidr6, await _lab.RouterAddresses6Async(_lab.LanInterface));
        }
        finally
        {
            await _api.SetLanIpv6Async(_lab, RouterLanCidr6);
        }

        Assert.Contains(RouterLanCidr6, await _lab.RouterAddresses6Async(_lab.LanInterface));
    }

    private async Task<JsonObject> WaitForEntryAsync(Func<JsonObject, bool> match)
    {
        var clock = Stopwatch.StartNew();
        JsonArray entries = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            entries = await _api.GetJsonArrayAsync("/api/v1/logs?minLevel=debug&limit=500");
            if (entries.OfType<JsonObject>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"No matching log entry within 15s. Latest entries: {entries.ToJsonString()}");
    }
}
