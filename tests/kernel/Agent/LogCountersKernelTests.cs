using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The log counters in a real kernel (throwaway namespace): what the shared limit holds back is counted.</summary>
public sealed class LogCountersKernelTests
{
    [Fact]
    public void Packets_over_the_shared_log_limit_are_counted_as_suppressed_and_the_counts_survive_a_replace()
    {
        // One log line a minute, burst one: of the dropped SYNs (three attempts, each retried), one is logged.
        var golden = GoldenCase.Load("minimal");
        var rule = new TrafficRule(5, "drop port 9 on lo", true, RuleChain.Output, RuleFamily.Ipv4, null, "lo", RuleProtocol.Tcp,
            null, "127.0.0.1", 9, null, null, RuleAction.Drop, null, FirewallLogLevel.Warn, null);
        var config = golden.Config with { Logging = golden.Config.Logging with { RatePerMinute = 1, Burst = 1 }, Rules = [rule] };

        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.True(applier.Replace(RulesetCompiler.Compile(config)).Ok);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                ThrowawayNamespace.Exec("timeout", "1", "bash", "-c", "echo > /dev/tcp/127.0.0.1/9");
            }

            var readings = new RulesetKernel(applier).ReadCounters();
            var tried = readings[RuleCounters.LogTriedId].Packets;
            var logged = readings[RuleCounters.LogLoggedId].Packets;
            Assert.True(tried >= 3, $"log_tried counted {tried} packets.");
            Assert.Equal(1, logged);
            Assert.Equal(readings[5].Packets, tried);

            var counters = new RuleCounters();
            var sent = counters.Suppressed(counters.Observe([5, .. RuleCounters.LogIds], readings));
            Assert.Equal(tried - 1, sent);

            // A whole-table replace carries the counts over: the kernel goes on from them.
            var carried = counters.CarryOver([5, .. RuleCounters.LogIds], readings);
            Assert.True(applier.Replace(RulesetCompiler.Compile(config, carried)).Ok);
            var after = new RulesetKernel(applier).ReadCounters();
            Assert.Equal(tried, after[RuleCounters.LogTriedId].Packets);
            Assert.Equal(logged, after[RuleCounters.LogLoggedId].Packets);
        });
    }
}
