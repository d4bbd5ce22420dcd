using System.Net;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// IPv6 pinholes with real packets: by interface identifier (suffix) and by MAC, only to their host and port,
/// still working after the LAN prefix is renumbered with no new revision, and counted in conntrack. The lab
/// runs <c>lanIpv6: auto</c> with the router's LAN address put on br-lan by hand, as a prefix delegation
/// client would, so a renumbering is a kernel change only.
/// </summary>
public sealed partial class PinholeTests(PinholeTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<PinholeTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture
    {
        protected override async Task OnSetUpAsync()
        {
            await Lab.MustAsync(Lab.RouterNs, $"ip -6 addr add {RouterLanCidr6} dev {Lab.LanInterface} nodad");
            await Api.SetLanIpv6Async(Lab, "auto");
        }
    }

    private const string RenumberedPrefix = "2001:db8:51::";
    private const int Port = 7700;
    private const int OtherPort = 7701;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    public async Task InitializeAsync() => await _api.DeleteAllPinholesAsync(_lab);

    public async Task DisposeAsync() => await _api.DeleteAllPinholesAsync(_lab);

    [Fact]
    public async Task SuffixPinholeLetsTheWanInToThatHostAndPortOnly()
    {
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1", "::");
        await using var lan1Other = _lab.StartTcpEchoServer(_lab.Lan1Ns, OtherPort, "lan1-other", "::");
        await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, Port, "lan2", "::");
        // Without the pinhole the WAN host gets nowhere.
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));

        await _api.CreatePinholeAsync(_lab, new { name = "lan1 web", enabled = true, protocol = "tcp", port = Port, hostSuffix = Lan1Suffix6 });

        Assert.Equal("lan1", await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
        Assert.Contains(lan1.Peers, peer => peer.Address.Equals(IPAddress.Parse(WanHostIp6)));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, OtherPort));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan2Ip6, Port));
    }

    [Fact]
    public async Task UdpPinholeOpensUdpOnly()
    {
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, Port, "lan1-udp", "::");
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1-tcp", "::");
        Assert.Null(await UdpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));

        await _api.CreatePinholeAsync(_lab, new { name = "lan1 udp", enabled = true, protocol = "udp", port = Port, hostSuffix = Lan1Suffix6 });

        Assert.Equal("lan1-udp", await UdpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
    }

    [Fact]
    public async Task SuffixPinholeSurvivesARenumberedPrefixWithNoNewRevision()
    {
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1", "::");
        await _api.CreatePinholeAsync(_lab, new { name = "lan1 web", enabled = true, protocol = "tcp", port = Port, hostSuffix = Lan1Suffix6 });
        Assert.Equal("lan1", await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
        var before = await _api.RevisionsAsync();

        try
        {
            await RenumberAsync(LanPrefix6, RenumberedPrefix);
            var renumbered = RenumberedPrefix + "10";

            Assert.Equal("lan1", await TcpExchangeAsync(_lab.WanNs, renumbered, Port));
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RenumberedPrefix + "11", Port));
            // LAN → WAN follows the new prefix as well.
            await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 8087, "wan6", "::");
            Assert.Equal("wan6", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp6, 8087));

            // Nothing was re-applied: the web wrote no revision and the agent applied none.
            Assert.Equal(before, await _api.RevisionsAsync());
        }
        finally
        {
            await RenumberAsync(RenumberedPrefix, LanPrefix6);
        }
    }

    [Fact]
    public async Task MacPinholeCoversEveryAddressOfThatHost()
    {
        const string secondSuffix = "abcd";
        var lan2Second = LanPrefix6 + secondSuffix;
        await _lab.MustAsync(_lab.Lan2Ns, $"ip -6 addr add {lan2Second}/64 dev eth0 nodad");
        try
        {
            await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1", "::");
            await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, Port, "lan2", "::");
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, lan2Second, Port));

            await _api.CreatePinholeAsync(_lab, new { name = "lan2 by mac", enabled = true, protocol = "tcp", port = Port, mac = _lab.Lan2Mac });
            // The router learns both addresses from LAN2's own traffic (neighbour discovery for the router).
            await _lab.MustAsync(_lab.Lan2Ns, $"ping -6 -c1 -W2 -I {Lan2Ip6} {RouterLanIp6} && ping -6 -c1 -W2 -I {lan2Second} {RouterLanIp6}");
            output.WriteLine(await _lab.MustAsync(_lab.RouterNs, $"ip -6 neigh show dev {_lab.LanInterface}"));

            // Neighbour events reach the agent on their own clock: poll briefly, each try a fresh connection.
            Assert.True(await Eventually.TrueAsync(async () => await TcpExchangeAsync(_lab.WanNs, Lan2Ip6, Port, timeout: TimeSpan.FromSeconds(1)) == "lan2", TimeSpan.FromSeconds(10)),
                "LAN2's first address was not reachable through its MAC's pinhole");
            Assert.True(await Eventually.TrueAsync(async () => await TcpExchangeAsync(_lab.WanNs, lan2Second, Port, timeout: TimeSpan.FromSeconds(1)) == "lan2", TimeSpan.FromSeconds(10)),
                "LAN2's second address was not reachable through its MAC's pinhole");
            // Another host (another MAC) on the same port stays closed.
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
        }
        finally
        {
            await _lab.MustAsync(_lab.Lan2Ns, $"ip -6 addr del {lan2Second}/64 dev eth0");
        }
    }

    [Fact]
    public async Task PortRangeOpensEveryPortInItAndDisablingClosesIt()
    {
        await using var first = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "p0", "::");
        await using var last = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port + 1, "p1", "::");
        await using var after = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port + 2, "p2", "::");
        var id = await _api.CreatePinholeAsync(_lab, new { name = "range", enabled = true, protocol = "tcp", port = Port, portEnd = Port + 1, hostSuffix = Lan1Suffix6 });

        Assert.Equal("p0", await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
        Assert.Equal("p1", await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port + 1));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port + 2));

        await _api.UpdateAsync(_lab, PinholeApi.Pinholes, id, pinhole => pinhole["enabled"] = false);
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port));
    }

    [Fact]
    public async Task SourceCidrLetsOnlyThatSourceIn()
    {
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1", "::");
        await _api.CreatePinholeAsync(_lab, new
        {
            name = "from ::2 only",
            enabled = true,
            protocol = "tcp",
            port = Port,
            hostSuffix = Lan1Suffix6,
            sourceCidr = WanHostIp6 + "/128",
        });

        Assert.Equal("lan1", await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port, sourceIp: WanHostIp6));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan1Ip6, Port, sourceIp: WanHostSecondIp6));
        Assert.DoesNotContain(lan1.Peers, peer => peer.Address.Equals(IPAddress.Parse(WanHostSecondIp6)));
    }

    [Fact]
    public async Task ALanSourceArrivingOnTheWanIsDroppedEvenThroughAPinhole()
    {
        // A LAN address on the WAN host's loopback: packets from it come in on the uplink, where that prefix
        // cannot live (anti-spoofing). The pinhole is open, so only the spoofing check stands in the way.
        const string spoofed = "2001:db8:50::99";
        await _lab.MustAsync(_lab.WanNs, $"ip -6 addr add {spoofed}/128 dev lo");
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, Port, "lan1-udp", "::");
        await _api.CreatePinholeAsync(_lab, new { name = "lan1 udp", enabled = true, protocol = "both", port = Port, hostSuffix = Lan1Suffix6 });
        try
        {
            Assert.Equal("lan1-udp", await UdpExchangeAsync(_lab.WanNs, Lan1Ip6, Port, sourceIp: WanHostIp6));

            // The answer could never come back (LAN1 looks for ::99 on its own link): whether the datagram got
            // in is what the server saw.
            Assert.Null(await UdpExchangeAsync(_lab.WanNs, Lan1Ip6, Port, sourceIp: spoofed, timeout: TimeSpan.FromSeconds(2)));
            Assert.DoesNotContain(udp.Peers, peer => peer.Address.Equals(IPAddress.Parse(spoofed)));
        }
        finally
        {
            await _lab.MustAsync(_lab.WanNs, $"ip -6 addr del {spoofed}/128 dev lo");
        }
    }

    [Fact]
    public async Task ConntrackCountsTheConnectionThroughThePinhole()
    {
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, Port, "lan1", "::");
        var id = await _api.CreatePinholeAsync(_lab, new { name = "lan1 counted", enabled = true, protocol = "tcp", port = Port, hostSuffix = Lan1Suffix6 });
        Assert.Equal(0, await _api.PinholeConnectionsAsync(id));

        using var held = await OpenTcpAsync(_lab.WanNs, Lan1Ip6, Port);
        Assert.NotNull(held);
        Assert.Equal("lan1", await held.ExchangeAsync());

        // The sample is pushed every second.
        var counted = await Eventually.TrueAsync(async () => await _api.PinholeConnectionsAsync(id) >= 1, TimeSpan.FromSeconds(8));
        Assert.True(counted, $"conntrack: {(await _api.GetJsonAsync("/api/v1/conntrack")).ToJsonString()}");
    }

    /// <summary>
    /// Moves the LAN from one /64 to another as a new delegated prefix would: the router's br-lan address, both
    /// LAN hosts (same interface identifiers, new default route) and the WAN host's route to the LAN.
    /// </summary>
    private async Task RenumberAsync(string from, string to)
    {
        await _lab.MustAsync(_lab.RouterNs,
            $"ip -6 addr add {to}1/64 dev {_lab.LanInterface} nodad && ip -6 addr del {from}1/64 dev {_lab.LanInterface}");
        foreach (var (ns, suffix) in new[] { (_lab.Lan1Ns, "10"), (_lab.Lan2Ns, "11") })
        {
            await _lab.MustAsync(ns,
                $"ip -6 addr add {to}{suffix}/64 dev eth0 nodad && ip -6 addr del {from}{suffix}/64 dev eth0 && " +
                $"ip -6 route replace default via {to}1 dev eth0");
        }

        await _lab.MustAsync(_lab.WanNs, $"ip -6 route replace {to}/64 via {RouterWanIp6} dev eth0 && ip -6 route del {from}/64");
    }
}
