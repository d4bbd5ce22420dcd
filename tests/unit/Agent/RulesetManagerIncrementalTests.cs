using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

using static Gateway.Tests.Unit.Agent.ForwardConfigs;

namespace Gateway.Tests.Unit.Agent;

/// <summary>How <see cref="RulesetManager"/> moves the kernel between configs — element update or whole replace — over a fake kernel.</summary>
public sealed class RulesetManagerIncrementalTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-incr-decide-{Environment.ProcessId}-{Guid.NewGuid():N}");
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

    private LastGood? Stored() => new LastGoodStore(_stateDir).Load();

    [Fact]
    public async Task Changing_one_forward_sends_one_element_update_that_deletes_its_old_key_and_adds_the_new_element()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);
        Assert.Single(_kernel.Replaced);

        var applied = await manager.ApplyAsync(2, Config([Forward(1, 8080, "192.168.1.30"), Forward(2, 2222)]));

        Assert.True(applied.Ok);
        Assert.Single(_kernel.Replaced);
        var script = Assert.Single(_kernel.ElementUpdates);
        Assert.Equal(
            "delete element inet gateway pf_dnat {\n\ttcp . 8080\n}\nadd element inet gateway pf_dnat {\n\ttcp . 8080 comment \"fwd 1\" : 192.168.1.30 . 8080\n}\n",
            script);
        Assert.Equal(2, manager.AppliedRevision);
        Assert.Equal(2, Stored()!.Revision);

        // The connections of the re-targeted forward go, by its ct mark, through the same seam.
        Assert.Equal([CtMarks.PortForward(1)], _kernel.DeletedMarks);
    }

    [Fact]
    public async Task A_structural_change_replaces_the_whole_table()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080)], Rule(7)))).Ok);

        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Empty(_kernel.ElementUpdates);
        Assert.Contains("counter rule_7 { packets 0 bytes 0 }", _kernel.Replaced[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_config_again_touches_nothing_in_the_kernel()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        var generation = _kernel.GenerationNow;

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080)]))).Ok);

        Assert.Single(_kernel.Replaced);
        Assert.Empty(_kernel.ElementUpdates);
        Assert.Equal(generation, _kernel.GenerationNow);
        Assert.Equal(2, manager.AppliedRevision);
    }

    [Fact]
    public async Task A_refused_element_update_falls_back_to_a_whole_replace_and_the_apply_succeeds()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        _kernel.RefuseElementUpdates = true;

        var applied = await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]));

        Assert.True(applied.Ok);
        Assert.Empty(_kernel.ElementUpdates);
        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Contains("tcp . 2222", _kernel.Replaced[1], StringComparison.Ordinal);
        Assert.Equal(2, Stored()!.Revision);
    }

    [Fact]
    public async Task When_the_fallback_replace_is_refused_too_nothing_changes_and_nothing_is_persisted()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        _kernel.RefuseElementUpdates = true;
        _kernel.RefuseReplace = true;

        var applied = await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]));

        Assert.False(applied.Ok);
        Assert.Equal(1, manager.AppliedRevision);
        Assert.Equal(1, Stored()!.Revision);

        // The next change still starts from what the kernel holds (revision 1), not from the refused one.
        _kernel.RefuseElementUpdates = false;
        _kernel.RefuseReplace = false;
        Assert.True((await manager.ApplyAsync(3, Config([Forward(1, 8080), Forward(3, 3333)]))).Ok);
        var script = Assert.Single(_kernel.ElementUpdates);
        Assert.DoesNotContain("2222", script, StringComparison.Ordinal);
        Assert.Contains("tcp . 3333", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_edited_by_someone_else_is_replaced_not_patched_and_its_counters_are_not_believed()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)], Rule(7)))).Ok);
        _kernel.Table += " edited";
        _kernel.Counters = new() { [7] = new RuleHits(7, 999999, 999999) };

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)], Rule(7)))).Ok);

        Assert.Empty(_kernel.ElementUpdates);
        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Contains("counter rule_7 { packets 0 bytes 0 }", _kernel.Replaced[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_in_another_table_after_the_check_still_allows_an_element_update()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        Assert.Null(await manager.CheckDriftAsync()); // the watcher fingerprints the contents while nothing moved
        _kernel.CommitElsewhere();

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);

        Assert.Single(_kernel.Replaced);
        Assert.Single(_kernel.ElementUpdates);
    }

    [Fact]
    public async Task A_commit_before_the_contents_were_checked_means_a_whole_replace()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        _kernel.CommitElsewhere();

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);

        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Empty(_kernel.ElementUpdates);
    }

    [Fact]
    public async Task An_apply_during_the_watchers_listing_does_not_wait_for_it_and_the_listing_is_not_kept()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        var appliedDuringListing = false;
        _kernel.DuringListing = () =>
        {
            _kernel.DuringListing = null;
            // Under the gate this apply would never start: the listing would hold it (a deadlock here, a wait of a
            // whole listing in the agent).
            appliedDuringListing = manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)])).Wait(TimeSpan.FromSeconds(30));
        };

        Assert.Null(await manager.CheckDriftAsync());
        Assert.True(appliedDuringListing);
        Assert.Single(_kernel.ElementUpdates);

        // The listing was taken before the element update, so it is not the table now: had it been kept, this
        // hand edit would be compared with stale contents. Unfingerprinted, the next apply replaces the table whole.
        _kernel.CommitElsewhere();
        Assert.True((await manager.ApplyAsync(3, Config([Forward(1, 8080), Forward(2, 2222), Forward(3, 3333)]))).Ok);
        Assert.Equal(2, _kernel.Replaced.Count);

        // With nothing moving, the next check fingerprints the table and element updates resume.
        Assert.Null(await manager.CheckDriftAsync());
        _kernel.CommitElsewhere();
        Assert.True((await manager.ApplyAsync(4, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);
        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Equal(2, _kernel.ElementUpdates.Count);
    }

    [Fact]
    public async Task An_element_edited_by_hand_is_drift_and_the_table_is_rebuilt()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        Assert.Null(await manager.CheckDriftAsync());
        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);
        Assert.Null(await manager.CheckDriftAsync());

        _kernel.EditElementsByHand("add element inet gateway pf_dnat { tcp . 9999 : 10.0.0.1 . 22 }");
        var drift = await manager.CheckDriftAsync();

        Assert.NotNull(drift);
        Assert.Equal("table inet gateway was changed", drift.What);
        Assert.True(drift.Repaired);
        Assert.Equal(2, _kernel.Replaced.Count);
        Assert.Contains("tcp . 2222", _kernel.Replaced[1], StringComparison.Ordinal);
        Assert.Null(await manager.CheckDriftAsync());
    }

    [Fact]
    public async Task Element_updates_keep_the_rule_counters_counting_without_reading_them()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)], Rule(7)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 10, 1000) };
        Assert.Equal([new RuleHits(7, 10, 1000)], (await manager.SampleCountersAsync()).Rules);

        Assert.True((await manager.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)], Rule(7)))).Ok);
        _kernel.Counters = new() { [7] = new RuleHits(7, 12, 1200) };

        Assert.Single(_kernel.ElementUpdates);
        Assert.Equal([new RuleHits(7, 12, 1200)], (await manager.SampleCountersAsync()).Rules);

        // A later rebuild carries the kernel's values into the new table.
        Assert.True((await manager.ApplyAsync(3, Config([Forward(1, 8080)], Rule(7), Rule(8)))).Ok);
        Assert.Contains("counter rule_7 { packets 12 bytes 1200 }", _kernel.Replaced[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_apply_after_lockdown_and_a_restore_replace_the_whole_table()
    {
        var manager = NewManager();
        Assert.True(manager.RestoreLastGood());
        Assert.True(manager.InLockdown);
        Assert.True((await manager.ApplyAsync(1, Config([Forward(1, 8080)]))).Ok);
        Assert.Equal(2, _kernel.Replaced.Count);

        var restarted = NewManager();
        Assert.True(restarted.RestoreLastGood());
        Assert.Equal(3, _kernel.Replaced.Count);
        Assert.True((await restarted.ApplyAsync(2, Config([Forward(1, 8080), Forward(2, 2222)]))).Ok);
        Assert.Equal(3, _kernel.Replaced.Count);
        Assert.Single(_kernel.ElementUpdates);
    }
}
