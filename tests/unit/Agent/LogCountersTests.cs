using System.Text.RegularExpressions;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The log counters around the shared <c>gw_log</c> limit: every log site counts before and after the limit, so
/// tried - logged is the number of log lines the limit suppressed.
/// </summary>
public sealed partial class LogCountersTests
{
    private const string Counted = "counter name \"log_tried\" limit name \"gw_log\" counter name \"log_logged\" log prefix ";

    [Fact]
    public void Every_log_statement_of_every_golden_table_is_counted_before_and_after_the_shared_limit()
    {
        var categories = new HashSet<string>(StringComparer.Ordinal);
        var sites = 0;
        foreach (var name in GoldenCase.Names())
        {
            var golden = GoldenCase.Load(name);
            var table = RulesetCompiler.Compile(golden.Config, golden.Counters);
            foreach (Match log in LogStatement().Matches(table))
            {
                sites++;
                categories.Add(log.Groups[1].Value);
                var before = table[..log.Index];
                Assert.True(before.EndsWith(Counted[..^"log prefix ".Length], StringComparison.Ordinal),
                    $"{name}: a log statement not counted around the limit: {table[table.LastIndexOf('\n', log.Index)..(log.Index + log.Length)]}");
            }

            if (sites > 0 && table.Contains("log prefix", StringComparison.Ordinal))
            {
                Assert.Contains("\tcounter log_tried {", table, StringComparison.Ordinal);
                Assert.Contains("\tcounter log_logged {", table, StringComparison.Ordinal);
            }
        }

        // Traffic rules, DoS drops, port forwards, the MAC filter and the default drops all log somewhere in the cases.
        Assert.Superset(new HashSet<string>(["rule", "dos", "port-forward", "mac-filter", "dropped-input", "dropped-forward"]), categories);
        Assert.True(sites >= 10, $"Only {sites} log statements in the golden tables.");
    }

    [Fact]
    public void The_carried_values_start_the_log_counters_of_a_new_table()
    {
        var golden = GoldenCase.Load("rules-logging");
        var table = RulesetCompiler.Compile(golden.Config, new Dictionary<int, RuleHits>
        {
            [RuleCounters.LogTriedId] = new(RuleCounters.LogTriedId, 40, 4000),
            [RuleCounters.LogLoggedId] = new(RuleCounters.LogLoggedId, 15, 1500),
        });

        Assert.Contains("\tcounter log_tried { packets 40 bytes 4000 }\n", table, StringComparison.Ordinal);
        Assert.Contains("\tcounter log_logged { packets 15 bytes 1500 }\n", table, StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_counters_are_read_under_their_pseudo_ids_beside_the_rule_counters()
    {
        var readings = RuleCounters.FromNamed([new("log_tried", 12, 960), new("log_logged", 3, 240), new("rule_7", 5, 300)]);

        Assert.Equal(new RuleHits(RuleCounters.LogTriedId, 12, 960), readings[RuleCounters.LogTriedId]);
        Assert.Equal(new RuleHits(RuleCounters.LogLoggedId, 3, 240), readings[RuleCounters.LogLoggedId]);
        Assert.Equal(new RuleHits(7, 5, 300), readings[7]);
        Assert.Equal(3, readings.Count);
    }

    [Fact]
    public void Suppressed_is_tried_minus_logged_and_never_goes_back()
    {
        var counters = new RuleCounters();
        IReadOnlyList<RuleHits> Sample(long tried, long logged) => counters.Observe(RuleCounters.LogIds, new Dictionary<int, RuleHits>
        {
            [RuleCounters.LogTriedId] = new(RuleCounters.LogTriedId, tried, 0),
            [RuleCounters.LogLoggedId] = new(RuleCounters.LogLoggedId, logged, 0),
        });

        Assert.Equal(0, counters.Suppressed(Sample(0, 0)));
        Assert.Equal(7, counters.Suppressed(Sample(10, 3)));

        // The kernel reads lower (packets lost to a replace): the clamped counters and the suppressed count hold.
        Assert.Equal(7, counters.Suppressed(Sample(4, 1)));
        Assert.Equal(8, counters.Suppressed(Sample(12, 4)));

        // Logged ahead of tried can only be a foreign table; never a negative count.
        Assert.Equal(0, new RuleCounters().Suppressed([new(RuleCounters.LogTriedId, 1, 0), new(RuleCounters.LogLoggedId, 5, 0)]));
    }

    [GeneratedRegex("log prefix \"gw ([a-z-]+)[ \"]")]
    private static partial Regex LogStatement();
}
