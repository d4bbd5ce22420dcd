using System.Globalization;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Agent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Per-entry counts in a real conntrack table: forwards by bare id, 1:1 entries and pinholes by their kind-tagged marks.</summary>
public sealed class ConntrackSampleTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-sample-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private static void Insert(int sourcePort, uint mark)
    {
        var result = ThrowawayNamespace.Exec(
            "conntrack", "-I", "-p", "udp", "-s", "10.1.0.1", "-d", "10.2.0.1", "--sport", sourcePort.ToString(CultureInfo.InvariantCulture),
            "--dport", "53", "-t", "120", "-m", mark.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public async Task A_sample_counts_forwards_and_one_to_one_entries_apart_even_with_the_same_id()
    {
        var config = new GatewayConfig(
            new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
            [new PortForward(5, "web", true, ForwardProtocol.Tcp, 80, null, "192.168.1.20", 80, null)],
            [],
            new MacPolicy(MacFilterMode.Off),
            LoggingPolicy.Default,
            OneToOne: [new OneToOneNat(5, "a", true, "203.0.113.10", "192.168.1.30"), new OneToOneNat(7, "b", true, "203.0.113.11", "192.168.1.31")],
            Pinholes: [new Pinhole(5, "nas", true, ForwardProtocol.Tcp, 443, null, null, "02:00:00:00:00:10", null), new Pinhole(6, "off", false, ForwardProtocol.Tcp, 22, null, null, "02:00:00:00:00:11", null)]);
        config = config with { Network = config.Network with { LanIpv6 = NetworkSettings.Ipv6Auto } };
        var manager = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        Assert.True((await manager.ApplyAsync(1, config)).Ok);

        var sample = ThrowawayNamespace.Run(() =>
        {
            // conntrack only tracks in a namespace once some rule uses ct.
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);
            for (var i = 0; i < 3; i++)
            {
                Insert(10000 + i, CtMarks.PortForward(5));
            }

            for (var i = 0; i < 2; i++)
            {
                Insert(20000 + i, CtMarks.OneToOne(5));
            }

            Insert(30000, CtMarks.Redirect(5));
            Insert(40000, CtMarks.Pinhole(5));
            using var client = new ConntrackClient();
            return new ConntrackSampler(client).Sample(manager.AppliedConfig);
        });

        Assert.Equal(7, sample.Total);
        Assert.Equal([new ForwardConnections(5, 3)], sample.PortForwards);
        Assert.Equal([new ForwardConnections(5, 2), new ForwardConnections(7, 0)], sample.OneToOne);
        Assert.Equal([new ForwardConnections(5, 1)], sample.Pinholes);
    }

    [Fact]
    public void Deleting_a_one_to_one_mark_leaves_the_forward_with_the_same_id()
    {
        ThrowawayNamespace.Run(() =>
        {
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);
            Insert(10000, CtMarks.PortForward(5));
            Insert(20000, CtMarks.OneToOne(5));
            Insert(20001, CtMarks.PolicyRoute(5));

            using var client = new ConntrackClient();
            client.DeleteByMark(CtMarks.OneToOne(5));

            var tally = client.Dump();
            Assert.Equal(2, tally.Total);
            Assert.Equal(1, tally.ByMark[CtMarks.PortForward(5)]);
            Assert.Equal(1, tally.ByMark[CtMarks.PolicyRoute(5)]);
        });
    }

    [Fact]
    public async Task Between_dumps_the_total_stays_fresh_and_the_breakdown_waits_for_its_cadence()
    {
        var config = new GatewayConfig(
            new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
            [new PortForward(5, "web", true, ForwardProtocol.Tcp, 80, null, "192.168.1.20", 80, null)],
            [],
            new MacPolicy(MacFilterMode.Off),
            LoggingPolicy.Default);
        var manager = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        Assert.True((await manager.ApplyAsync(1, config)).Ok);
        var time = new ManualTime();

        ThrowawayNamespace.Run(() =>
        {
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);
            Insert(10000, CtMarks.PortForward(5));
            using var client = new ConntrackClient();
            var sampler = new ConntrackSampler(client, time);

            var first = sampler.Sample(manager.AppliedConfig);
            Assert.True(sampler.LastDumped);
            Assert.Equal([new ForwardConnections(5, 1)], first.PortForwards);

            Insert(10001, CtMarks.PortForward(5));
            time.Advance(TimeSpan.FromMilliseconds(500));
            var second = sampler.Sample(manager.AppliedConfig);
            Assert.False(sampler.LastDumped);
            Assert.Equal(2, second.Total);
            Assert.Equal([new ForwardConnections(5, 1)], second.PortForwards);
            Assert.NotNull(second.Stats);
            Assert.Contains("insert_failed", second.Stats.Keys);

            time.Advance(TimeSpan.FromSeconds(1));
            var third = sampler.Sample(manager.AppliedConfig);
            Assert.True(sampler.LastDumped);
            Assert.Equal([new ForwardConnections(5, 2)], third.PortForwards);
        });
    }

    /// <summary>A clock that moves only when told (the dump's own duration is then zero).</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);
    }
}
