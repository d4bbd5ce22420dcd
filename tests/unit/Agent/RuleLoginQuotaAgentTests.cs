using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// Rules that name an account (compiled to uid/gid numbers, resolved at every apply) and rules with a quota (one named
/// quota object each, met by established packets too, its used bytes carried across every rebuild and reset on demand).
/// </summary>
public sealed class RuleLoginQuotaAgentTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-quota-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRulesetKernel _kernel = new();

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private static TrafficRule Rule(int id, RuleChain chain, RuleAction action) =>
        new(id, $"rule {id}", true, chain, RuleFamily.Any, null, null, RuleProtocol.Tcp, null, null, 5001, null, null, action, null, null, null);

    private static GatewayConfig Config(params TrafficRule[] rules) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default)
    {
        Rules = rules,
    };

    private static readonly RuleAccounts Accounts = new(
        new Dictionary<string, uint> { ["nobody"] = 65534 },
        new Dictionary<string, uint> { ["nogroup"] = 65533 });

    [Fact]
    public void An_output_rule_naming_a_user_and_group_matches_their_numbers_and_the_names_never_reach_the_text()
    {
        var rule = Rule(3, RuleChain.Output, RuleAction.Reject) with { Name = "login", User = "nobody", Group = "nogroup" };

        var text = RulesetCompiler.Compile(Config(rule), accounts: Accounts);

        Assert.Contains("meta skuid 65534 meta skgid 65533 meta l4proto tcp th dport 5001 counter name \"rule_3\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nogroup", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_naming_an_account_that_was_not_resolved_does_not_compile()
    {
        var rule = Rule(3, RuleChain.Output, RuleAction.Drop) with { User = "nobody" };

        Assert.Throws<ArgumentException>(() => RulesetCompiler.CompileTable(Config(rule)));
    }

    [Fact]
    public void Resolving_names_the_rule_and_the_account_that_is_missing_and_skips_disabled_rules()
    {
        var gone = Rule(4, RuleChain.Output, RuleAction.Drop) with { Name = "old", Group = "vanished" };

        Assert.Null(RuleAccounts.Resolve(Config(gone), _ => 1, _ => null, out var error));
        Assert.Equal("Rule 4 (old): the group vanished does not exist on the router.", error);
        Assert.NotNull(RuleAccounts.Resolve(Config(gone with { Enabled = false }), _ => null, _ => null, out error));
        Assert.Null(error);
    }

    [Fact]
    public void A_quota_rule_has_its_object_with_the_carried_use_and_established_packets_meet_it()
    {
        var capped = Rule(7, RuleChain.Forward, RuleAction.Accept) with { Quota = new RuleQuota(200000, QuotaMode.Until) };

        var text = RulesetCompiler.Compile(Config(capped), quotas: new Dictionary<int, long> { [7] = 1234 });

        Assert.Contains("\tquota quota_7 { until 200000 bytes used 1234 bytes }\n", text, StringComparison.Ordinal);
        Assert.Contains("meta l4proto tcp th dport 5001 quota name \"quota_7\" counter name \"rule_7\" jump rule_7", text, StringComparison.Ordinal);
        // Even with no drop rule at all, established packets of the rule's direction go through the quota.
        Assert.Contains("ct state established,related ct direction original jump rules_forward_recheck", text, StringComparison.Ordinal);
        Assert.Contains("\tchain rules_forward_recheck {\n\t\tmeta l4proto tcp th dport 5001 quota name \"quota_7\" accept", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_over_quota_on_a_drop_rule_is_rechecked_with_its_quota()
    {
        var over = Rule(8, RuleChain.Input, RuleAction.Drop) with { Quota = new RuleQuota(1000, QuotaMode.Over) };

        var text = RulesetCompiler.Compile(Config(over));

        Assert.Contains("\tquota quota_8 { over 1000 bytes used 0 bytes }\n", text, StringComparison.Ordinal);
        Assert.Contains("\tchain rules_input_recheck {\n\t\tmeta l4proto tcp th dport 5001 quota name \"quota_8\" drop", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_used_quota_is_carried_into_every_rebuild_and_only_a_reset_takes_it_back()
    {
        var manager = new RulesetManager(_kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        var capped = Rule(7, RuleChain.Forward, RuleAction.Accept) with { Quota = new RuleQuota(200000, QuotaMode.Until) };
        Assert.True((await manager.ApplyAsync(1, Config(capped))).Ok);
        _kernel.Quotas[7] = 150000;
        Assert.Equal(150000, Assert.Single((await manager.SampleCountersAsync()).Quotas!).UsedBytes);

        // A structural change rebuilds the table: the quota starts where it was.
        Assert.True((await manager.ApplyAsync(2, Config(capped, Rule(9, RuleChain.Forward, RuleAction.Drop)))).Ok);
        Assert.Contains("quota quota_7 { until 200000 bytes used 150000 bytes }", _kernel.Replaced[^1], StringComparison.Ordinal);

        // A table the agent can't vouch for is not read: the last known use carries over, nothing is refilled.
        _kernel.Table = "someone else's";
        _kernel.Quotas.Clear();
        Assert.True((await manager.ApplyAsync(3, Config(capped))).Ok);
        Assert.Contains("used 150000 bytes", _kernel.Replaced[^1], StringComparison.Ordinal);

        var reset = await manager.ResetQuotaAsync(7);
        Assert.True(reset.Reset, reset.Error);
        Assert.Equal([7], _kernel.QuotasReset);
        Assert.True((await manager.ApplyAsync(4, Config(capped, Rule(9, RuleChain.Forward, RuleAction.Drop)))).Ok);
        Assert.Contains("quota quota_7 { until 200000 bytes used 0 bytes }", _kernel.Replaced[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_is_refused_for_a_rule_without_a_quota()
    {
        var manager = new RulesetManager(_kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        Assert.True((await manager.ApplyAsync(1, Config(Rule(9, RuleChain.Forward, RuleAction.Drop)))).Ok);

        var reset = await manager.ResetQuotaAsync(9);

        Assert.False(reset.Reset);
        Assert.Contains("quota", reset.Error, StringComparison.Ordinal);
        Assert.Empty(_kernel.QuotasReset);
    }

    [Fact]
    public async Task An_account_gone_since_the_rule_was_written_fails_that_apply_by_name_and_keeps_the_table()
    {
        var manager = new RulesetManager(_kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        var login = Rule(5, RuleChain.Output, RuleAction.Reject) with { Name = "kids", User = "nobody" };
        Assert.True((await manager.ApplyAsync(1, Config(login))).Ok);
        Assert.Contains("meta skuid 65534 ", _kernel.Replaced[^1], StringComparison.Ordinal);
        var replaced = _kernel.Replaced.Count;

        _kernel.Users.Remove("nobody");
        var applied = await manager.ApplyAsync(2, Config(login, Rule(9, RuleChain.Forward, RuleAction.Drop)));

        Assert.False(applied.Ok);
        Assert.Equal("Rule 5 (kids): the user nobody does not exist on the router.", applied.Error);
        Assert.Equal(replaced, _kernel.Replaced.Count);
        Assert.Equal(1, manager.AppliedRevision);
    }
}
