using Gateway.Agent.Nft;
using Gateway.Shared.Config;

using static Gateway.Tests.Unit.Agent.ForwardConfigs;

namespace Gateway.Tests.Unit.Agent;

/// <summary>Which forwards' connections an apply closes: decided from the two configs alone, no kernel.</summary>
public sealed class RulesetManagerStaleForwardTests
{
    [Fact]
    public void Stale_forward_ids_ignore_names_and_log_levels_but_not_targets()
    {
        var before = Config(Forward(1, 80), Forward(2, 81), Forward(3, 82), Forward(4, 83));
        var after = Config(
            Forward(1, 80) with { Name = "new name", LogLevel = FirewallLogLevel.Info },
            Forward(2, 81) with { InternalPort = 8081 },
            Forward(3, 82) with { Enabled = false });

        Assert.Equal([2, 3, 4], StaleConnections.ForwardIds(before, after));
        Assert.Empty(StaleConnections.ForwardIds(null, after));
    }
}
