using System.Diagnostics;
using System.Globalization;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// A random-source flood fills a per-source meter's set; a source that arrives after that, and so finds no room
/// for its own element, must still be limited. Runs alone: the floods saturate a core.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class FullMeterTests(FullMeterTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<FullMeterTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    /// <summary>The meter sets' size (RulesetCompiler.Protection.cs).</summary>
    private const int SetSize = 65535;
    private const int Probes = 200;
    private static readonly TimeSpan FillLimit = TimeSpan.FromSeconds(60);

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task FreshSourceIsStillEchoLimitedOnceAFloodFilledTheEchoMeter()
    {
        // WAN ping stays off: the flood's echo requests end in the input drop, so conntrack keeps none of them.
        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection());
        // Echo requests of the fresh source that got past the guard's meter, counted ahead of the router's own input chain.
        await using var passed = await NsPacketCounter.CreateAsync(_lab, _lab.RouterNs, "fresh_echo",
            $"ip saddr {WanHostSecondIp} icmp type echo-request");
        await FillAsync("dos_icmp4", $"-1 --rand-source --flood {RouterWanIp}");

        // 200 echo requests in about a second from an address the set has never seen, at 20x the 10/s limit.
        await _lab.ExecAsync(_lab.WanNs, $"ping -n -q -c {Probes} -i 0.005 -W 1 -I {WanHostSecondIp} {RouterWanIp}");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var count = await passed.PacketsAsync();
        output.WriteLine($"fresh source: {count} of {Probes} echo requests passed the meter");
        Assert.True(count >= 1, "not one echo request of the fresh source arrived: the path itself is broken");
        Assert.True(count < Probes / 2, $"{count} of {Probes} echo requests from a fresh source passed: the full meter limited nothing");
    }

    [Fact]
    public async Task FreshSourceIsStillSynLimitedOnceAFloodFilledTheSynMeter()
    {
        const int port = 7900;
        await _api.SetProtectionAsync(_lab, RulesApi.DefaultProtection());
        await using var server = _lab.StartTcpEchoServer(_lab.RouterNs, port, "router");
        var rule = await _api.CreateRuleAsync(_lab, new
        {
            name = "router service",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = port,
            action = "accept",
        });
        // The router's SYN-ACKs to the fresh source: one per SYN the meter let through.
        await using var synAcks = await NsPacketCounter.CreateAsync(_lab, _lab.WanNs, "syn_acks",
            $"ip saddr {RouterWanIp} ip daddr {WanHostSecondIp} tcp sport {port} tcp flags & (syn | ack) == syn | ack");
        try
        {
            // The flood goes to a closed port: its SYNs are dropped after the meter, so conntrack keeps none.
            await FillAsync("dos_syn4", $"-S --rand-source -p {port + 1} --flood {RouterWanIp}");

            await Hping.RunAsync(_lab, _lab.WanNs, $"-S -a {WanHostSecondIp} -s 20000 -p {port} -c {Probes} -i u2000 {RouterWanIp}");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var admitted = await synAcks.PacketsAsync();
            output.WriteLine($"fresh source: {admitted} of {Probes} SYNs admitted");
            Assert.True(admitted >= 1, "not one SYN of the fresh source was admitted: the path itself is broken");
            Assert.True(admitted < Probes / 2, $"{admitted} of {Probes} SYNs from a fresh source were admitted: the full meter limited nothing");
        }
        finally
        {
            await _api.DeleteRuleAsync(_lab, rule);
        }
    }

    /// <summary>Floods from the WAN host until <paramref name="set"/> holds <see cref="SetSize"/> elements.</summary>
    private async Task FillAsync(string set, string hpingArguments)
    {
        using var stop = new CancellationTokenSource();
        var flood = _lab.StartInNs(_lab.WanNs, $"exec hping3 -q {hpingArguments} >/dev/null 2>&1");
        var clock = Stopwatch.StartNew();
        var elements = 0;
        try
        {
            while (elements < SetSize && clock.Elapsed < FillLimit)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                var listed = await _lab.ExecAsync(_lab.RouterNs, $"nft list set inet gateway {set} | grep -o expires | wc -l");
                elements = int.Parse(listed.Stdout.Trim(), CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            flood.Kill(entireProcessTree: true);
            await flood.WaitForExitAsync();
        }

        output.WriteLine($"{set}: {elements} elements after {clock.Elapsed.TotalSeconds:0.0} s of flood");
        Assert.True(elements >= SetSize, $"the flood filled {set} to only {elements} elements");
    }

}
