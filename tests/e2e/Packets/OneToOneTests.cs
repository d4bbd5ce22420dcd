using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// True 1:1 NAT with real packets: 203.0.113.10 on the router's WAN link stands for lan1 on every port and
/// protocol, lan1 leaves as 203.0.113.10, everyone else still as 203.0.113.1. The WAN host has no route to
/// the LAN, so whatever gets through went through the router's NAT.
/// </summary>
public sealed class OneToOneTests(OneToOneTests.Fixture fixture) : IClassFixture<OneToOneTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private const string ExternalIp = "203.0.113.10";
    private const string HandAddedIp = "203.0.113.20";

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private static int RandomPort() => RandomNumberGenerator.GetInt32(20000, 30000);

    private Task<int> CreateEntryAsync(bool enabled = true) => _api.CreateAsync(_lab, NatApi.OneToOne, new
    {
        name = "lan1 public",
        enabled,
        externalAddress = ExternalIp,
        internalAddress = Lan1Ip,
        addAddress = true,
    });

    private async Task<bool> WanHoldsAsync(string ip) =>
        (await _lab.RouterAddressesAsync(_lab.WanInterface)).Contains($"{ip}/32");

    [Fact]
    public async Task EveryPortReachesTheInternalHostAndItLeavesAsTheExternalAddressOnlyWhileEnabled()
    {
        // Two arbitrary ports, one per protocol: 1:1 is not a list of forwards.
        var tcpPort = RandomPort();
        var udpPort = tcpPort + 1;
        await using var tcp = _lab.StartTcpEchoServer(_lab.Lan1Ns, tcpPort, "lan1-tcp");
        await using var udp = _lab.StartUdpEchoServer(_lab.Lan1Ns, udpPort, "lan1-udp");
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7000, "wan");

        Assert.False(await WanHoldsAsync(ExternalIp));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, ExternalIp, tcpPort));

        var id = await CreateEntryAsync();
        try
        {
            Assert.True(await WanHoldsAsync(ExternalIp), "the agent did not add 203.0.113.10/32 to the WAN link");

            Assert.Equal("lan1-tcp", await TcpExchangeAsync(_lab.WanNs, ExternalIp, tcpPort));
            // Only the destination is translated inbound: lan1 sees the real client.
            Assert.Equal(WanHostIp, tcp.Peers[^1].Address.ToString());
            Assert.Equal("lan1-udp", await UdpExchangeAsync(_lab.WanNs, ExternalIp, udpPort));
            Assert.Equal(WanHostIp, udp.Peers[^1].Address.ToString());

            // Outbound: lan1 leaves as the 1:1 address, lan2 still as the router's own WAN address.
            Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 7000));
            Assert.Equal(ExternalIp, wan.Peers[^1].Address.ToString());
            Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 7000));
            Assert.Equal(RouterWanIp, wan.Peers[^1].Address.ToString());

            await _api.UpdateAsync(_lab, NatApi.OneToOne, id, entry => entry["enabled"] = false);

            Assert.False(await WanHoldsAsync(ExternalIp), "a disabled entry's address stayed on the WAN link");
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, ExternalIp, tcpPort));
            Assert.Null(await UdpExchangeAsync(_lab.WanNs, ExternalIp, udpPort));
            // Disabled, lan1 is masqueraded like everyone else.
            Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 7000));
            Assert.Equal(RouterWanIp, wan.Peers[^1].Address.ToString());

            await _api.UpdateAsync(_lab, NatApi.OneToOne, id, entry => entry["enabled"] = true);
            Assert.True(await WanHoldsAsync(ExternalIp));
            Assert.Equal("lan1-tcp", await TcpExchangeAsync(_lab.WanNs, ExternalIp, tcpPort));
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.OneToOne, id);
        }

        Assert.False(await WanHoldsAsync(ExternalIp), "a deleted entry's address stayed on the WAN link");
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, ExternalIp, tcpPort));
    }

    [Fact]
    public async Task LanHostsReachTheExternalAddressAndForwardsKeepWorkingOnTheWanAddress()
    {
        const int port = 8088;
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, port, "lan1");
        await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, port, "lan2");

        var entry = await CreateEntryAsync();
        var forward = await _api.CreateForwardAsync(_lab, new
        {
            name = "lan2 web",
            protocol = "tcp",
            externalPort = port,
            internalAddress = Lan2Ip,
            internalPort = port,
        });
        try
        {
            // The same port on two public addresses of the router: the WAN address is the forward's,
            // the 1:1 address is lan1's on every port.
            Assert.Equal("lan2", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port));
            Assert.Equal("lan1", await TcpExchangeAsync(_lab.WanNs, ExternalIp, port));

            // Hairpin: lan2 reaches lan1 by its public address. The bridge passes LAN-to-LAN frames without
            // the IP hooks, so this works only if the router also translated the source.
            Assert.Equal("lan1", await TcpExchangeAsync(_lab.Lan2Ns, ExternalIp, port));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, forward);
            await _api.DeleteAsync(_lab, NatApi.OneToOne, entry);
        }
    }

    [Fact]
    public async Task AnAddressTheAgentDidNotAddIsRefusedAndNeverRemoved()
    {
        await _lab.RouterAsync($"ip addr add {HandAddedIp}/32 dev {_lab.WanInterface}");
        try
        {
            using (var conflict = await _api.PostAsync(NatApi.OneToOne, System.Net.Http.Json.JsonContent.Create(new
            {
                name = "taken",
                externalAddress = HandAddedIp,
                internalAddress = Lan2Ip,
                addAddress = true,
            })))
            {
                await ApiExtensions.ExpectStatusAsync(conflict, HttpStatusCode.Conflict, "POST one-to-one on a hand-added address");
            }

            Assert.DoesNotContain(await _api.GetJsonArrayAsync(NatApi.OneToOne),
                item => item!["externalAddress"]?.GetValue<string>() == HandAddedIp);

            var id = await CreateEntryAsync();
            await _api.UpdateAsync(_lab, NatApi.OneToOne, id, entry => entry["enabled"] = false);
            await _api.UpdateAsync(_lab, NatApi.OneToOne, id, entry => entry["enabled"] = true);
            Assert.True(await WanHoldsAsync(HandAddedIp));

            // A restarted agent knows which addresses it added (its state dir) and which it did not.
            await _lab.StopAgentAsync(kill: true);
            await _lab.StartAgentAsync();
            await _lab.WaitAppliedAsync(_api, TimeSpan.FromSeconds(40));
            Assert.True(await Eventually.TrueAsync(() => WanHoldsAsync(ExternalIp), TimeSpan.FromSeconds(10)),
                "the restarted agent did not hold the enabled entry's address");
            Assert.True(await WanHoldsAsync(HandAddedIp));

            await _api.DeleteAsync(_lab, NatApi.OneToOne, id);
            Assert.False(await WanHoldsAsync(ExternalIp), "the restarted agent left its own address behind");
            Assert.True(await WanHoldsAsync(HandAddedIp), "the agent removed an address it did not add");
        }
        finally
        {
            await _lab.ExecAsync(_lab.RouterNs, $"ip addr del {HandAddedIp}/32 dev {_lab.WanInterface}");
        }
    }

    [Fact]
    public async Task DisablingAnEntryCutsItsHeldConnections()
    {
        var port = RandomPort();
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, port, "lan1-held");
        var id = await CreateEntryAsync();
        try
        {
            using var held = await OpenTcpAsync(_lab.WanNs, ExternalIp, port);
            Assert.NotNull(held);
            Assert.Equal("lan1-held", await held.ExchangeAsync());
            var filter = $"-p tcp --orig-dst {ExternalIp} --dport {port}";
            Assert.NotEmpty(await _lab.ConntrackAsync(filter));

            await _api.UpdateAsync(_lab, NatApi.OneToOne, id, entry => entry["enabled"] = false);

            // The entry is gone from the table at once (the kernel would otherwise keep NATting it)...
            var clock = Stopwatch.StartNew();
            IReadOnlyList<string> left;
            while ((left = await _lab.ConntrackAsync(filter)).Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                await Task.Delay(100);
            }

            Assert.True(left.Count == 0, "conntrack still holds the 1:1 connection: " + string.Join("\n", left));
            // ...and the connection carries nothing more.
            Assert.Null(await held.ExchangeAsync());
        }
        finally
        {
            await _api.DeleteAsync(_lab, NatApi.OneToOne, id);
        }
    }
}
