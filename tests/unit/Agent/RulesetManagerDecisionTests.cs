using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>What <see cref="RulesetManager"/> decides — apply, refuse, lock down, repair, clamp — over a fake kernel.</summary>
public sealed class RulesetManagerDecisionTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-decide-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRulesetKernel _kernel = new();

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private RulesetManager NewManager() => new(_kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);

    private static TrafficRule Rule(int id) =>
        new(id, $"rule {id}", true, RuleChain.Forward, RuleFamily.Any, "br-lan", null, RuleProtocol.Tcp, null, null, 443, null, null, RuleAction.Drop, null, null, null);

    private static GatewayConfig Config(string lan = "br-lan", params TrafficRule[] rules) => new(
        new NetworkSettings("wan0", lan, "192.168.1.1/24"),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default)
    {
        Rules = rules,
    };

    private string Lockdown(params string[] uplinks) => RulesetCompiler.Lockdown(uplinks);

    [Fact]
    public async Task A_missing_lan_link_refuses_the_apply_before_the_kernel_is_touched()
    {
        var manager = NewManager();
        var applied = (await manager.ApplyAsync(5, Config(lan: "br-typo")));

        Assert.False(applied.Ok);
        Assert.Equal("The LAN interface br-typo does not exist: applying would close the router to the LAN.", applied.Error);
        Assert.Empty(_kernel.Replaced);
        Assert.Equal(0, manager.AppliedRevision);
        Assert.False(Directory.Exists(_stateDir));
    }

    [Fact]
    public void First_boot_replaces_a_table_it_did_not_write_with_the_lockdown_for_the_current_uplinks()
    {
        _kernel.Table = "table inet gateway { chain f { type filter hook forward priority 0; policy accept; } }";
        _kernel.DefaultRouteLinks = ["ppp0", "wan0"];
        var manager = NewManager();

        Assert.True(manager.RestoreLastGood());

        Assert.Equal([Lockdown("ppp0", "wan0")], _kernel.Replaced);
        Assert.True(manager.InLockdown);
        Assert.Equal(0, _kernel.ForwardingTurnedOn);
    }

    [Fact]
    public void An_unreadable_state_file_also_means_lockdown()
    {
        Directory.CreateDirectory(_stateDir);
        File.WriteAllText(Path.Combine(_stateDir, LastGoodStore.FileName), "{ not json");
        _kernel.Table = "someone's";

        Assert.False(NewManager().RestoreLastGood());
        Assert.Equal([Lockdown("wan0")], _kernel.Replaced);
    }

    [Fact]
    public async Task A_successful_apply_turns_forwarding_on_once_and_leaves_lockdown()
    {
        var manager = NewManager();
        Assert.True(manager.RestoreLastGood());
        Assert.True((await manager.ApplyAsync(1, Config())).Ok);
        Assert.True((await manager.ApplyAsync(2, Config())).Ok);

        Assert.False(manager.InLockdown);
        Assert.Equal(2, manager.AppliedRevision);
        Assert.Equal(1, _kernel.ForwardingTurnedOn);
    }

    [Fact]
    public async Task A_restore_waiting_for_its_lan_link_locks_down_and_is_retried_when_the_link_appears()
    {
        new LastGoodStore(_stateDir).Save(new LastGood(9, Config()));
        _kernel.Links.Remove("br-lan");
        var manager = NewManager();

        Assert.False(manager.RestoreLastGood());
        Assert.True(manager.InLockdown);
        Assert.Null((await manager.CheckDriftAsync()));
        Assert.True(manager.InLockdown);

        _kernel.Links.Add("br-lan");
        Assert.Null((await manager.CheckDriftAsync()));
        Assert.False(manager.InLockdown);
        Assert.Equal(9, manager.AppliedRevision);
    }

    [Fact]
    public async Task In_lockdown_a_new_uplink_rebuilds_the_lockdown_without_a_drift_event()
    {
        _kernel.DefaultRouteLinks = [];
        var manager = NewManager();
        Assert.True(manager.RestoreLastGood());
        Assert.Null((await manager.CheckDriftAsync()));
        Assert.Single(_kernel.Replaced);

        // The WAN's DHCP lease arrives after boot.
        _kernel.DefaultRouteLinks = ["wan0"];
        Assert.Null((await manager.CheckDriftAsync()));

        Assert.Equal([Lockdown(), Lockdown("wan0")], _kernel.Replaced);
        Assert.Null((await manager.CheckDriftAsync()));
        Assert.Equal(2, _kernel.Replaced.Count);
    }

    [Fact]
    public async Task A_removed_or_changed_table_is_reapplied_and_reported_and_an_untouched_one_is_left_alone()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(3, Config())).Ok);
        var compiled = Assert.Single(_kernel.Replaced);
        Assert.Null((await manager.CheckDriftAsync()));

        _kernel.Table = null;
        var removed = (await manager.CheckDriftAsync());
        Assert.NotNull(removed);
        Assert.Equal("table inet gateway was removed", removed.What);
        Assert.True(removed.Repaired);
        Assert.Equal([compiled, compiled], _kernel.Replaced);

        _kernel.Table += " planted";
        var changed = (await manager.CheckDriftAsync());
        Assert.NotNull(changed);
        Assert.Equal("table inet gateway was changed", changed.What);
        Assert.True(changed.Repaired);
        Assert.Equal(3, _kernel.Replaced.Count);

        Assert.Null((await manager.CheckDriftAsync()));
        Assert.Equal(3, manager.AppliedRevision);
    }

    [Fact]
    public async Task Forwarding_turned_off_by_someone_else_is_turned_back_on_and_reported_but_not_in_lockdown()
    {
        var manager = NewManager();
        Assert.True(manager.RestoreLastGood());
        Assert.Null(await manager.CheckDriftAsync());
        Assert.Equal(0, _kernel.ForwardingTurnedOn);

        Assert.True((await manager.ApplyAsync(1, Config())).Ok);
        Assert.Null(await manager.CheckDriftAsync());
        _kernel.Forwarding = false;
        var drift = await manager.CheckDriftAsync();

        Assert.NotNull(drift);
        Assert.Equal("net.ipv4.ip_forward was turned off", drift.What);
        Assert.True(drift.Repaired);
        Assert.True(_kernel.Forwarding);
        Assert.Equal(2, _kernel.ForwardingTurnedOn);
    }

    [Fact]
    public async Task Drift_in_lockdown_restores_the_lockdown()
    {
        var manager = NewManager();
        Assert.True(manager.RestoreLastGood());
        _kernel.Table = null;

        var drift = (await manager.CheckDriftAsync());

        Assert.NotNull(drift);
        Assert.True(drift.Repaired);
        Assert.Equal([Lockdown("wan0"), Lockdown("wan0")], _kernel.Replaced);
        Assert.True(manager.InLockdown);
    }

    [Fact]
    public async Task A_repair_that_keeps_failing_is_reported_once_and_retried_every_tick()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(3, Config())).Ok);
        _kernel.Table = null;
        _kernel.RefuseReplace = true;

        var first = (await manager.CheckDriftAsync());
        Assert.NotNull(first);
        Assert.False(first.Repaired);
        Assert.Null((await manager.CheckDriftAsync()));

        _kernel.RefuseReplace = false;
        var fixedEvent = (await manager.CheckDriftAsync());
        Assert.NotNull(fixedEvent);
        Assert.True(fixedEvent.Repaired);
        Assert.NotNull(_kernel.Table);
    }

    [Fact]
    public async Task Counters_never_go_back_as_the_web_sees_them_and_removed_rules_are_forgotten()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config("br-lan", Rule(7), Rule(8)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 10, 1000) };
        Assert.Equal([new RuleHits(7, 10, 1000), new RuleHits(8, 0, 0)], (await manager.SampleCountersAsync()).Rules);

        // Packets lost between the pre-apply read and the replace: the kernel reads lower, the web does not.
        _kernel.Counters = new() { [7] = new RuleHits(7, 4, 400), [8] = new RuleHits(8, 2, 200) };
        Assert.Equal([new RuleHits(7, 10, 1000), new RuleHits(8, 2, 200)], (await manager.SampleCountersAsync()).Rules);
        _kernel.Counters = new() { [7] = new RuleHits(7, 12, 1100), [8] = new RuleHits(8, 2, 200) };
        Assert.Equal(new RuleHits(7, 12, 1100), (await manager.SampleCountersAsync()).Rules[0]);

        // Rule 7 goes away; when a rule 7 comes back it counts from its own start.
        Assert.True((await manager.ApplyAsync(2, Config("br-lan", Rule(8)))).Ok);
        _kernel.Counters = new() { [8] = new RuleHits(8, 2, 200) };
        Assert.Equal([new RuleHits(8, 2, 200)], (await manager.SampleCountersAsync()).Rules);
        Assert.True((await manager.ApplyAsync(3, Config("br-lan", Rule(7), Rule(8)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 1, 60) };
        Assert.Equal([new RuleHits(7, 1, 60), new RuleHits(8, 2, 200)], (await manager.SampleCountersAsync()).Rules);
    }

    [Fact]
    public async Task The_suppressed_log_lines_are_reported_apart_from_the_rules_and_carried_into_a_new_table()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config("br-lan", Rule(7)))).Ok);
        _kernel.Counters = new()
        {
            [7] = new RuleHits(7, 10, 1000),
            [RuleCounters.LogTriedId] = new RuleHits(RuleCounters.LogTriedId, 9, 900),
            [RuleCounters.LogLoggedId] = new RuleHits(RuleCounters.LogLoggedId, 2, 200),
        };
        var sample = await manager.SampleCountersAsync();
        Assert.Equal([new RuleHits(7, 10, 1000)], sample.Rules);
        Assert.Equal(7, sample.LogSuppressed);

        // A whole-table replace starts the log counters from the values already seen.
        Assert.True((await manager.ApplyAsync(2, Config("br-lan", Rule(8)))).Ok);
        Assert.Contains("counter log_tried { packets 9 bytes 900 }", _kernel.Table, StringComparison.Ordinal);
        Assert.Contains("counter log_logged { packets 2 bytes 200 }", _kernel.Table, StringComparison.Ordinal);
        _kernel.Counters = [];
        Assert.Equal(7, (await manager.SampleCountersAsync()).LogSuppressed);
    }

    [Fact]
    public async Task At_start_counters_carry_over_only_from_the_table_the_previous_run_wrote()
    {
        Assert.True((await NewManager().ApplyAsync(4, Config("br-lan", Rule(7)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 30, 3000) };

        // Restarted with its own table still in the kernel: the counts go on.
        var restarted = NewManager();
        Assert.True(restarted.RestoreLastGood());
        _kernel.Counters = [];
        Assert.Equal([new RuleHits(7, 30, 3000)], (await restarted.SampleCountersAsync()).Rules);

        // Restarted over a table someone else built: its counters are not believed.
        _kernel.Table = "table inet gateway { counter rule_7 { packets 999999 bytes 999999 } }";
        _kernel.Counters = new() { [7] = new RuleHits(7, 999999, 999999) };
        var again = NewManager();
        Assert.True(again.RestoreLastGood());
        _kernel.Counters = [];
        Assert.Equal([new RuleHits(7, 0, 0)], (await again.SampleCountersAsync()).Rules);
    }

    [Fact]
    public async Task An_apply_over_a_table_changed_by_someone_else_does_not_believe_its_counters()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config("br-lan", Rule(7)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 5, 500) };
        Assert.Equal([new RuleHits(7, 5, 500)], (await manager.SampleCountersAsync()).Rules);

        _kernel.Table += " edited";
        _kernel.Counters = new() { [7] = new RuleHits(7, 999999, 999999) };
        Assert.True((await manager.ApplyAsync(2, Config("br-lan", Rule(7)))).Ok);
        _kernel.Counters = [];

        Assert.Equal([new RuleHits(7, 5, 500)], (await manager.SampleCountersAsync()).Rules);
    }

    [Fact]
    public async Task The_watcher_loop_repairs_a_removed_table_on_its_own()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config())).Ok);
        using var watcher = new DriftWatcher(manager, new ClientHub(), NullLogger<DriftWatcher>.Instance) { Period = TimeSpan.FromMilliseconds(20) };
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            _kernel.Table = null;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (_kernel.Table is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.NotNull(_kernel.Table);
            Assert.Equal(2, _kernel.Replaced.Count);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }
}
