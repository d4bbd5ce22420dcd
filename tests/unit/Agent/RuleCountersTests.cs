using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class RuleCountersTests
{
    // As nft 1.0.6 prints `list counters table inet gateway`.
    private const string Listing = """
        table inet gateway {
        	counter rule_5 {
        		packets 7 bytes 700
        	}

        	counter rule_12 {
        		packets 0 bytes 0
        	}

        	counter something_else {
        		packets 3 bytes 9
        	}

        	counter rule_99999999999 {
        		packets 1 bytes 1
        	}
        }

        """;

    [Fact]
    public void Parse_reads_rule_counters_and_ignores_other_and_out_of_range_names()
    {
        var counters = RuleCounters.Parse(Listing);

        Assert.Equal(2, counters.Count);
        Assert.Equal(new RuleHits(5, 7, 700), counters[5]);
        Assert.Equal(new RuleHits(12, 0, 0), counters[12]);
        Assert.Empty(RuleCounters.Parse(string.Empty));
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
