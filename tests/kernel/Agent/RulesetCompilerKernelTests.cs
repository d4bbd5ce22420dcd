using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Compiled tables doing their job in a real kernel (throwaway namespace), beyond being accepted.</summary>
public sealed partial class RulesetCompilerKernelTests
{
    [Fact]
    public void Counters_carried_into_a_replace_keep_counting_from_the_kernel_values()
    {
        ThrowawayNamespace.Run(() =>
        {
            var golden = GoldenCase.Load("rules-counters");
            var applier = new NftApplier();
            Assert.True(applier.Replace(RulesetCompiler.Compile(golden.Config)).Ok);

            var result = applier.Replace(RulesetCompiler.Compile(golden.Config, golden.Counters));

            Assert.True(result.Ok, result.Error);
            var counters = ThrowawayNamespace.Exec("nft", "list", "counters").Stdout;
            Assert.Equal((12345, 6789012), Counter(counters, 100));
            Assert.Equal((0, 0), Counter(counters, 101));
            Assert.Equal((7, 420), Counter(counters, 102));
            Assert.DoesNotContain("rule_999", counters, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_logged_drop_rule_still_drops_once_the_shared_log_limit_is_spent()
    {
        // One log line a minute: if the log's limit decided the verdict, the second connection would pass and be
        // refused at once by the closed port instead of timing out.
        var golden = GoldenCase.Load("minimal");
        var rule = new TrafficRule(5, "drop port 9 on lo", true, RuleChain.Output, RuleFamily.Ipv4, null, "lo", RuleProtocol.Tcp,
            null, "127.0.0.1", 9, null, null, RuleAction.Drop, null, FirewallLogLevel.Warn, null);
        var config = golden.Config with { Logging = golden.Config.Logging with { RatePerMinute = 1, Burst = 1 }, Rules = [rule] };

        ThrowawayNamespace.Run(() =>
        {
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            for (var attempt = 0; attempt < 3; attempt++)
            {
                var connect = ThrowawayNamespace.Exec("timeout", "1", "bash", "-c", "echo > /dev/tcp/127.0.0.1/9");
                Assert.True(connect.ExitCode == 124, $"Attempt {attempt}: the connection was not dropped (exit {connect.ExitCode}: {connect.Stderr}).");
            }

            var (packets, _) = Counter(ThrowawayNamespace.Exec("nft", "list", "counters").Stdout, 5);
            Assert.True(packets >= 3, $"rule_5 counted {packets} packets.");
        });
    }

    [Fact]
    public void Without_the_rule_the_same_connection_is_refused_at_once()
    {
        // The control for the test above: the closed port answers with a reset, so a timeout really means "dropped".
        ThrowawayNamespace.Run(() =>
        {
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);

            var connect = ThrowawayNamespace.Exec("timeout", "1", "bash", "-c", "echo > /dev/tcp/127.0.0.1/9");

            Assert.Equal(1, connect.ExitCode);
        });
    }

    private static (long Packets, long Bytes) Counter(string listing, int id)
    {
        var match = CounterPattern().Match(listing[listing.IndexOf($"counter {RulesetCompiler.RuleCounterName(id)} {{", StringComparison.Ordinal)..]);
        Assert.True(match.Success, $"No values for rule_{id} in:\n{listing}");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"packets (\d+) bytes (\d+)")]
    private static partial Regex CounterPattern();
}
