using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// A SYN flood from one WAN address at a forwarded port, while a second WAN address opens connections at an
/// honest pace. The per-source meter must cut the flooder to its rate and leave the other source alone.
/// The figures (offered and passed packets per second, the second source's success) go to the test output.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SynFloodTests(SynFloodTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<SynFloodTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private const int Rate = 25;
    private const int Burst = 50;
    private const int Handshakes = 200;
    private const int ServerPort = 7700;
    private const int ForwardPort = 8700;
    /// <summary>20 connections a second: under the per-source rate, so the honest source never meets its own limit.</summary>
    private static readonly TimeSpan HandshakeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan FloodDuration = TimeSpan.FromSeconds(14);

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task FloodFromOneSourceIsCutToTheLimitWhileAnotherSourceCompletesItsHandshakes()
    {
        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection(p => p["synFlood"] = new JsonObject
        {
            ["enabled"] = true,
            ["ratePerSecond"] = Rate,
            ["burst"] = Burst,
            ["perSource"] = true,
        }));
        await _api.SetLoggingAsync(_lab, new
        {
            droppedInput = "off",
            droppedForward = "off",
            portForwards = "off",
            macFilter = "off",
            dos = "notice",
            ratePerMinute = 600,
            burst = 50,
        });
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, ServerPort, "lan1-service");
        // SYNs (without ACK) that reached the LAN server, counted per WAN source in the server's own namespace.
        const string syn = "tcp flags & (syn | ack) == syn";
        await using var floodSyns = await NsPacketCounter.CreateAsync(_lab, _lab.Lan1Ns, "flood_syns",
            $"ip saddr {WanHostIp} tcp dport {ServerPort} {syn}");
        await using var honestSyns = await NsPacketCounter.CreateAsync(_lab, _lab.Lan1Ns, "honest_syns",
            $"ip saddr {WanHostSecondIp} tcp dport {ServerPort} {syn}");
        await _api.CreateForwardAsync(_lab, new
        {
            name = "flooded service",
            protocol = "tcp",
            externalPort = ForwardPort,
            internalAddress = Lan1Ip,
            internalPort = ServerPort,
        });
        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostSecondIp));
        var honestBefore = await honestSyns.PacketsAsync();

        // About 5,000–10,000 SYNs a second from 203.0.113.2 (hping3 sleeps 100 µs between packets).
        var flood = Hping.RunForAsync(_lab, _lab.WanNs,
            $"-S -p {ForwardPort} -a {WanHostIp} -i u100 {RouterWanIp}", FloodDuration);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var completed = 0;
        var duringFlood = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Handshakes; i++)
        {
            var due = HandshakeInterval * i;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var result = await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostSecondIp,
                timeout: TimeSpan.FromSeconds(3));
            if (result.Connected)
            {
                completed++;
            }
            else if (failures.Count < 10)
            {
                failures.Add($"#{i}: {result}");
            }

            if (!flood.IsCompleted)
            {
                duringFlood++;
            }
        }

        var handshakeTime = clock.Elapsed;
        var offered = await flood;
        var passed = await floodSyns.PacketsAsync();
        var honestPassed = await honestSyns.PacketsAsync() - honestBefore;
        var seconds = offered.Duration.TotalSeconds;
        var successRate = 100.0 * completed / Handshakes;
        output.WriteLine($"flood: {offered.Transmitted} SYNs in {seconds:0.0} s = {offered.PacketsPerSecond:0} pps offered");
        output.WriteLine($"flood: {passed} SYNs reached the LAN server = {passed / seconds:0.0} pps passed " +
            $"(limit {Rate}/s, burst {Burst})");
        output.WriteLine($"second source: {completed}/{Handshakes} handshakes completed ({successRate:0.0} %), " +
            $"{duringFlood} of them started during the flood, in {handshakeTime.TotalSeconds:0.0} s; {honestPassed} SYNs seen");
        foreach (var failure in failures)
        {
            output.WriteLine("  failed " + failure);
        }

        var table = await _lab.ExecAsync(_lab.RouterNs, "nft list table inet gateway");
        foreach (var line in table.Stdout.Split('\n').Where(l => l.Contains("limit rate", StringComparison.Ordinal)))
        {
            output.WriteLine("router: " + line.Trim());
        }

        Assert.True(offered.PacketsPerSecond >= 1000, $"the flood was too thin to prove anything: {offered.PacketsPerSecond:0} pps");
        Assert.True(duringFlood >= Handshakes * 9 / 10, $"only {duringFlood} handshakes ran during the flood");
        // The meter admits the burst, then the rate; a little slack for the token bucket's rounding.
        var allowed = Burst + Rate * seconds * 1.2 + 10;
        Assert.True(passed <= allowed, $"{passed} flood SYNs reached the LAN server; at most {allowed:0} may");
        Assert.True(passed >= Rate, $"only {passed} flood SYNs passed: the limit should admit its rate, not block the source");
        Assert.True(completed >= Handshakes * 99 / 100, $"the second source completed only {completed}/{Handshakes}: {string.Join("; ", failures)}");

        // The drops are logged under their own category, at its level, naming the flooding source.
        List<JsonObject> dos = [];
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10) && !dos.Any(e => e["source"]?.GetValue<string>() == WanHostIp))
        {
            await Task.Delay(250);
            dos = (await _api.GetJsonArrayAsync("/api/v1/logs?minLevel=debug&limit=500")).OfType<JsonObject>()
                .Where(e => e["category"]?.GetValue<string>() == "dos").ToList();
        }

        output.WriteLine($"dos log entries: {dos.Count}");
        Assert.Contains(dos, e => e["source"]?.GetValue<string>() == WanHostIp && e["level"]?.GetValue<string>() == "notice");
        Assert.DoesNotContain(dos, e => e["source"]?.GetValue<string>() == WanHostSecondIp);
    }
}
