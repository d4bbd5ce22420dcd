using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Traffic rules proven with packets: the exact ICMP a reject sends, a reset seen as an immediate refusal,
/// interface matching, order, a log line per rule, and counters that survive applies. Every test starts
/// with no rules and the default protection (WAN input dropped), so what it sees is its own rule's doing.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed partial class TrafficRuleTests(TrafficRuleTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<TrafficRuleTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture;

    private static readonly TimeSpan QuickAnswer = TimeSpan.FromSeconds(1);

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    public async Task InitializeAsync() => await _api.DeleteAllRulesAsync(_lab);

    public async Task DisposeAsync() => await _api.DeleteAllRulesAsync(_lab);

    [Fact]
    public async Task InputRejectWithAdminProhibitedSendsExactlyIcmpType3Code13()
    {
        var port = RandomNumberGenerator.GetInt32(20000, 30000);
        using var icmp = IcmpCapture.Start(_lab.WanNs);

        // Without a rule the WAN input policy drops: no ICMP at all.
        var dropped = await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, port, timeout: TimeSpan.FromSeconds(2));
        Assert.True(dropped.TimedOut, $"before the rule: {dropped}");
        Assert.Empty(icmp.AboutPort(port));

        await _api.CreateRuleAsync(_lab, new
        {
            name = "close politely",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "reject",
            rejectWith = "admin-prohibited",
        });

        var rejected = await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, port, timeout: TimeSpan.FromSeconds(3));
        output.WriteLine($"connect to the rejected port: {rejected}");
        Assert.False(rejected.Connected);
        var answer = await icmp.WaitForAsync(m => m.InnerDestinationPort == port, TimeSpan.FromSeconds(3));
        Assert.NotNull(answer);
        output.WriteLine(answer.ToString());
        Assert.Equal(IPAddress.Parse(RouterWanIp), answer.Source);
        Assert.Equal(ProtocolType.Tcp, answer.InnerProtocol);
        Assert.Equal(IPAddress.Parse(RouterWanIp), answer.InnerDestination);
        // Every answer about this port is exactly destination unreachable / communication administratively prohibited.
        Assert.All(icmp.AboutPort(port), m => Assert.Equal((3, 13), (m.Type, m.Code)));
        // The kernel treats that ICMP as a hard error: the connect fails at once instead of timing out.
        Assert.False(rejected.TimedOut, $"the connect waited for its timeout: {rejected}");
    }

    [Fact]
    public async Task UdpRejectWithPortUnreachableSendsIcmpType3Code3()
    {
        var port = RandomNumberGenerator.GetInt32(20000, 30000);
        using var icmp = IcmpCapture.Start(_lab.WanNs);

        await SendUdpAsync(_lab.WanNs, RouterWanIp, port, 1);
        await Task.Delay(QuickAnswer);
        Assert.Empty(icmp.AboutPort(port));

        await _api.CreateRuleAsync(_lab, new
        {
            name = "udp closed",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "udp",
            destinationPort = port,
            action = "reject",
            rejectWith = "port-unreachable",
        });

        await SendUdpAsync(_lab.WanNs, RouterWanIp, port, 1);
        var answer = await icmp.WaitForAsync(m => m.InnerDestinationPort == port, TimeSpan.FromSeconds(3));
        Assert.NotNull(answer);
        output.WriteLine(answer.ToString());
        Assert.Equal(ProtocolType.Udp, answer.InnerProtocol);
        Assert.All(icmp.AboutPort(port), m => Assert.Equal((3, 3), (m.Type, m.Code)));
    }

    [Fact]
    public async Task TcpResetRefusesAtOnceWhereTheDefaultDropTimesOut()
    {
        const int port = 2200;
        await using var server = _lab.StartTcpEchoServer(_lab.RouterNs, port, "router-service");
        // The service runs and the LAN reaches it...
        Assert.Equal("router-service", await TcpExchangeAsync(_lab.Lan1Ns, RouterLanIp, port));
        // ...while from the WAN the default input policy drops the SYN: a timeout, not a refusal.
        var dropped = await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, port, timeout: TimeSpan.FromSeconds(3));
        output.WriteLine($"default: {dropped}");
        Assert.True(dropped.TimedOut, $"without a rule the WAN should see nothing: {dropped}");

        await _api.CreateRuleAsync(_lab, new
        {
            name = "refuse",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "reject",
            rejectWith = "tcp-reset",
        });

        var refused = await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, port, timeout: TimeSpan.FromSeconds(3));
        output.WriteLine($"with tcp-reset: {refused}");
        Assert.True(refused.Refused, $"expected ECONNREFUSED: {refused}");
        Assert.True(refused.Elapsed < QuickAnswer, $"the refusal took {refused.Elapsed.TotalMilliseconds:0} ms");
        // The rule is about the WAN: the LAN still reaches the service.
        Assert.Equal("router-service", await TcpExchangeAsync(_lab.Lan1Ns, RouterLanIp, port));
    }

    [Fact]
    public async Task ForwardRuleOnTheWanOutInterfaceBlocksOneLanHostOnly()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");
        await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, 7070, "lan2");
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));

        await _api.CreateRuleAsync(_lab, new
        {
            name = "lan1 offline",
            chain = "forward",
            outInterface = "wan*",
            source = Lan1Ip,
            action = "drop",
        });

        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, 8080));
        Assert.Equal("lan2", await TcpExchangeAsync(_lab.Lan1Ns, Lan2Ip, 7070));
    }

    [Fact]
    public async Task RuleOrderDecidesBetweenAcceptAndDrop()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 8080, "wan");
        var drop = await _api.CreateRuleAsync(_lab, new
        {
            name = "drop lan1",
            chain = "forward",
            outInterface = "wan*",
            source = Lan1Ip,
            protocol = "tcp",
            action = "drop",
        });
        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));

        // A new rule goes last: the drop above it still wins.
        var accept = await _api.CreateRuleAsync(_lab, new
        {
            name = "accept lan1",
            chain = "forward",
            outInterface = "wan*",
            source = Lan1Ip,
            protocol = "tcp",
            action = "accept",
        });
        Assert.Equal([drop, accept], await _api.RuleOrderAsync());
        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));

        await _api.SetRuleOrderAsync(_lab, accept, drop);
        Assert.Equal([accept, drop], await _api.RuleOrderAsync());
        Assert.Equal("wan", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));

        await _api.SetRuleOrderAsync(_lab, drop, accept);
        Assert.Null(await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, 8080));
    }

    [Fact]
    public async Task RuleLogLineCarriesItsLevelCategoryAndId()
    {
        var port = RandomNumberGenerator.GetInt32(30000, 40000);
        var id = await _api.CreateRuleAsync(_lab, new
        {
            name = "logged drop",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "drop",
            logLevel = "warn",
        });

        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port));

        var entry = await WaitForLogAsync(e => e["ruleId"]?.GetValue<int?>() == id && e["destinationPort"]?.GetValue<int>() == port);
        output.WriteLine(entry.ToJsonString());
        Assert.Equal("warn", entry["level"]!.GetValue<string>());
        Assert.Equal("rule", entry["category"]!.GetValue<string>());
        Assert.Equal(WanHostIp, entry["source"]!.GetValue<string>());
        Assert.Equal(_lab.WanInterface, entry["inInterface"]!.GetValue<string>());
        // The level is the rule's own: nothing of it among err and worse.
        var severe = await _api.GetJsonArrayAsync("/api/v1/logs?minLevel=err&limit=500");
        Assert.DoesNotContain(severe, e => e!["ruleId"]?.GetValue<int?>() == id && e["category"]?.GetValue<string>() == "rule");
    }

    [Fact]
    public async Task HitsGrowWithThePacketsSentAndSurviveAnUnrelatedApply()
    {
        const int sent = 25;
        var port = RandomNumberGenerator.GetInt32(40000, 50000);
        var id = await _api.CreateRuleAsync(_lab, new
        {
            name = "counted",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "udp",
            destinationPort = port,
            action = "drop",
        });
        Assert.Equal(0, await _api.HitsAsync(id));

        await SendUdpAsync(_lab.WanNs, RouterWanIp, port, sent);
        var before = await _api.WaitForHitsAsync(id, sent);
        output.WriteLine($"hits after {sent} datagrams: {before}");
        Assert.True(before >= sent, $"hits.packets = {before} after {sent} datagrams");

        // An apply that keeps the rule (a new port forward) must carry the count over.
        var forward = await _api.CreateForwardAsync(_lab, new
        {
            name = "unrelated",
            protocol = "tcp",
            externalPort = RandomNumberGenerator.GetInt32(50000, 60000),
            internalAddress = Lan2Ip,
            internalPort = 80,
        });
        try
        {
            // Past the 5 s sampling period, so the value read comes from the counters after the apply.
            await Task.Delay(TimeSpan.FromSeconds(6));
            var after = await _api.HitsAsync(id);
            output.WriteLine($"hits after the apply: {after}");
            Assert.True(after >= before, $"hits went back from {before} to {after} across an apply");

            await SendUdpAsync(_lab.WanNs, RouterWanIp, port, 5);
            Assert.True(await _api.WaitForHitsAsync(id, before + 5) >= before + 5, "hits stopped counting after the apply");
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, forward);
        }
    }

    private static async Task SendUdpAsync(string fromNs, string ip, int port, int count)
    {
        using var socket = NetNs.CreateSocket(fromNs, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Parse(ip), port);
        for (var i = 0; i < count; i++)
        {
            await socket.SendToAsync(Encoding.ASCII.GetBytes($"probe {i}"), target);
            // Spread a little so the first datagrams do not vanish while ARP resolves.
            await Task.Delay(i == 0 ? 200 : 5);
        }
    }

    private async Task<JsonObject> WaitForLogAsync(Func<JsonObject, bool> match)
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
