using Gateway.Agent.Confirm;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using static Gateway.Tests.Unit.Agent.LastGoodJournalTests;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The journal through the agent's own paths over a fake kernel: deltas applied as <c>apply-delta</c> frames are
/// recovered at the next start (and the journal folded into the snapshot), and a confirm window opened by a delta
/// reverts to the previous state on disk as it does in the kernel, also across a restart.
/// </summary>
public sealed class LastGoodRestartTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-journal-restart-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 2, 0, 0, TimeSpan.Zero));
    private readonly List<ConfirmWindow> _windows = [];

    public void Dispose()
    {
        foreach (var window in _windows)
        {
            window.Dispose();
        }

        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private string JournalPath => Path.Combine(_stateDir, LastGoodStore.JournalFileName);

    private RulesetManager NewManager() => new(new FakeRulesetKernel(), new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);

    /// <summary>What <see cref="KernelOrderedFrames"/> does with an <c>apply-delta</c>: the frame, resolved over the held config.</summary>
    private static (ApplyRequest Apply, DeltaOrigin Origin) DeltaFrame(RulesetManager rulesets, long revision, GatewayConfig edited, int? confirmSeconds = null)
    {
        var held = rulesets.AppliedConfig!;
        var change = ConfigDelta.OneChange(held, edited)!;
        var body = AgentProtocol.Serialize(new ApplyDeltaRequest(revision, rulesets.AppliedRevision, null, [change], confirmSeconds));
        var frame = (ApplyDeltaRequest)AgentProtocol.DeserializeRequest(body);
        var apply = DeltaFrames.Resolve(frame, rulesets.AppliedRevision, held, null, out var refusal);
        Assert.True(apply is not null, refusal);
        return (apply, new DeltaOrigin(frame.Base, held, body));
    }

    [Fact]
    public async Task Deltas_are_recovered_at_the_next_start_and_the_journal_is_folded_into_the_snapshot()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config(50))).Ok);
        for (var revision = 2; revision <= 6; revision++)
        {
            var (apply, origin) = DeltaFrame(manager, revision, Moved(manager.AppliedConfig!, revision, 30000 + revision));
            Assert.True((await manager.ApplyAsync(apply.Revision, apply.Config, origin)).Ok);
        }

        Assert.True(File.Exists(JournalPath));
        Assert.Equal(1, new LastGoodStore(_stateDir).Recover().SnapshotRevision);

        var restarted = NewManager();
        Assert.True(restarted.RestoreLastGood());

        Assert.Equal(6, restarted.AppliedRevision);
        Assert.Equal(Json(manager.AppliedConfig), Json(restarted.AppliedConfig));
        Assert.False(File.Exists(JournalPath));
        Assert.Equal(6, new LastGoodStore(_stateDir).Recover().SnapshotRevision);

        // The restored config is the base the next delta's record chains from.
        var (next, over) = DeltaFrame(restarted, 7, Moved(restarted.AppliedConfig!, 1, 31000));
        Assert.True((await restarted.ApplyAsync(next.Revision, next.Config, over)).Ok);
        Assert.True(File.Exists(JournalPath));
        Assert.Equal(Json(restarted.AppliedConfig), Json(new LastGoodStore(_stateDir).Load()!.Config));
    }

    [Fact]
    public async Task A_window_opened_by_a_delta_reverts_the_state_on_disk_too()
    {
        var rulesets = NewManager();
        var window = NewWindow(rulesets);
        Assert.True((await window.ApplyAsync(new ApplyRequest(3, Config(50)))).Ok);
        var confirmed = Json(rulesets.AppliedConfig);

        var (apply, origin) = DeltaFrame(rulesets, 4, Moved(rulesets.AppliedConfig!, 2, 30002), confirmSeconds: 5);
        Assert.True((await window.ApplyAsync(apply, origin)).Ok);
        Assert.True(File.Exists(JournalPath));
        Assert.Equal(4, new LastGoodStore(_stateDir).Load()!.Revision);

        _time.Advance(TimeSpan.FromSeconds(6));
        await window.LastTimerRun;

        Assert.Equal(3, rulesets.AppliedRevision);
        var stored = new LastGoodStore(_stateDir).Load()!;
        Assert.Equal(3, stored.Revision);
        Assert.Equal(confirmed, Json(stored.Config));
        Assert.False(File.Exists(JournalPath));
    }

    [Fact]
    public async Task Restarted_inside_a_window_opened_by_a_delta_the_agent_restores_it_then_reverts_at_the_deadline()
    {
        var rulesets = NewManager();
        var window = NewWindow(rulesets);
        Assert.True((await window.ApplyAsync(new ApplyRequest(3, Config(50)))).Ok);
        var confirmed = Json(rulesets.AppliedConfig);
        var (apply, origin) = DeltaFrame(rulesets, 4, Moved(rulesets.AppliedConfig!, 2, 30002), confirmSeconds: 5);
        Assert.True((await window.ApplyAsync(apply, origin)).Ok);
        var pending = Json(rulesets.AppliedConfig);

        var restarted = NewManager();
        Assert.True(restarted.RestoreLastGood());
        Assert.Equal(4, restarted.AppliedRevision);
        Assert.Equal(pending, Json(restarted.AppliedConfig));
        var resumed = NewWindow(restarted);
        await resumed.StartAsync();
        Assert.Equal(4, resumed.Pending?.Revision);

        _time.Advance(TimeSpan.FromSeconds(6));
        await resumed.LastTimerRun;

        Assert.Equal(3, restarted.AppliedRevision);
        Assert.Equal(confirmed, Json(new LastGoodStore(_stateDir).Load()!.Config));
    }

    private ConfirmWindow NewWindow(RulesetManager rulesets)
    {
        var window = new ConfirmWindow(rulesets, new ClientHub(), new ConfirmFile(_stateDir), _time, NullLogger<ConfirmWindow>.Instance);
        _windows.Add(window);
        return window;
    }
}
