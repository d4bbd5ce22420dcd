using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class RuleCountersTests
{
    [Fact]
    public void Rule_counters_are_read_by_name_and_other_and_out_of_range_names_are_ignored()
    {
        var counters = RuleCounters.FromNamed(
        [
            new("rule_5", 7, 700), new("rule_12", 0, 0), new("something_else", 3, 9), new("rule_99999999999", 1, 1),
            new("rule_0", 1, 1), new("rule_-3", 1, 1), new("rule_+4", 1, 1), new("rule_", 1, 1), new("log_other", 1, 1),
        ]);

        Assert.Equal(2, counters.Count);
        Assert.Equal(new RuleHits(5, 7, 700), counters[5]);
        Assert.Equal(new RuleHits(12, 0, 0), counters[12]);
        Assert.Empty(RuleCounters.FromNamed([]));
    }

    [Fact]
    public void Observe_clamps_packets_and_bytes_separately_and_forgets_ids_no_longer_listed()
    {
        var counters = new RuleCounters();
        Assert.Equal([new RuleHits(1, 5, 50)], counters.Observe([1], new Dictionary<int, RuleHits> { [1] = new(1, 5, 50) }));
        Assert.Equal([new RuleHits(1, 5, 60)], counters.Observe([1], new Dictionary<int, RuleHits> { [1] = new(1, 3, 60) }));
        Assert.Equal([new RuleHits(1, 5, 60)], counters.Observe([1], new Dictionary<int, RuleHits>()));

        Assert.Equal([new RuleHits(2, 0, 0)], counters.Observe([2], new Dictionary<int, RuleHits>()));
        Assert.Equal([new RuleHits(1, 1, 1)], counters.Observe([1], new Dictionary<int, RuleHits> { [1] = new(1, 1, 1) }));
    }

    [Fact]
    public void Carry_over_takes_the_larger_of_the_reading_and_what_was_reported_for_the_new_ids_only()
    {
        var counters = new RuleCounters();
        counters.Observe([1, 2], new Dictionary<int, RuleHits> { [1] = new(1, 10, 100), [2] = new(2, 4, 40) });

        var carried = counters.CarryOver([1, 2, 3], new Dictionary<int, RuleHits> { [1] = new(1, 8, 80), [2] = new(2, 6, 70), [4] = new(4, 1, 1) });

        Assert.Equal(new RuleHits(1, 10, 100), carried[1]);
        Assert.Equal(new RuleHits(2, 6, 70), carried[2]);
        Assert.False(carried.ContainsKey(3));
        Assert.False(carried.ContainsKey(4));
    }
}
