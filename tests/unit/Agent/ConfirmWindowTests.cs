using Gateway.Agent.Confirm;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The commit-confirmed window over a fake kernel and a fake clock: open, confirm, revert, fold, confirm by a plain write, restart.</summary>
public sealed class ConfirmWindowTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-confirm-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRulesetKernel _kernel = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly LinesLogger _log = new();
    private readonly List<ConfirmWindow> _windows = [];

    public ConfirmWindowTests() => _kernel.Links.Add("eth9");

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

    /// <summary>A fresh agent over the same state directory and kernel, as after a restart.</summary>
    private (RulesetManager Rulesets, ConfirmWindow Window) NewAgent()
    {
        var rulesets = new RulesetManager(_kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);
        var window = new ConfirmWindow(rulesets, new ClientHub(), new ConfirmFile(_stateDir), _time, _log);
        _windows.Add(window);
        return (rulesets, window);
    }

    private static GatewayConfig Config(string lan = "br-lan", MacFilterMode mode = MacFilterMode.Off) => new(
        new NetworkSettings("wan0", lan, "192.168.1.1/24"),
        [],
        mode == MacFilterMode.Off ? [] : [new MacFilter(1, "52:54:00:12:34:56", "laptop", true)],
        new MacPolicy(mode),
        LoggingPolicy.Default);

    private static string Json(GatewayConfig config) => System.Text.Json.JsonSerializer.Serialize(config, AgentJsonContext.Default.GatewayConfig);

    private async Task ExpireAsync(ConfirmWindow window, int seconds)
    {
        _time.Advance(TimeSpan.FromSeconds(seconds));
        await window.LastTimerRun;
    }

    [Fact]
    public async Task An_unconfirmed_apply_is_reverted_at_the_deadline_with_one_log_line_and_the_previous_table()
    {
        var (rulesets, window) = NewAgent();
        Assert.True((await window.ApplyAsync(new ApplyRequest(3, Config()))).Ok);
        var before = _kernel.Replaced[^1];

        var applied = await window.ApplyAsync(new ApplyRequest(4, Config(lan: "eth9"), ConfirmSeconds: 5));
        Assert.True(applied.Ok, applied.Error);
        Assert.Equal(new PendingConfirmation(4, _time.GetUtcNow().AddSeconds(5), 3), window.Pending);
        Assert.Equal(4, rulesets.AppliedRevision);

        await ExpireAsync(window, 4);
        Assert.Equal(4, rulesets.AppliedRevision); // not yet

        await ExpireAsync(window, 1);
        Assert.Null(window.Pending);
        Assert.Equal(3, rulesets.AppliedRevision);
        Assert.Equal(before, _kernel.Replaced[^1]);
        Assert.Equal(3, new LastGoodStore(_stateDir).Load()!.Revision); // what a restart brings back
        Assert.Equal(["Commit-confirmed apply: revision 4 was not confirmed within 5 s: restored revision 3"], _log.Lines.Where(l => l.Contains("not confirmed", StringComparison.Ordinal)));

        // Every hello hears of it until a newer revision is applied (the web storing the restored state).
        var reverted = window.UnsettledRevert;
        Assert.NotNull(reverted);
        Assert.Equal((4, 3, Json(Config())), (reverted.Revision, reverted.RestoredRevision, Json(reverted.Config)));
        Assert.True((await window.ApplyAsync(new ApplyRequest(5, Config()))).Ok);
        Assert.Null(window.UnsettledRevert);

    }

    [Fact]
    public async Task A_confirmed_apply_stays_past_the_deadline()
    {
        var (rulesets, window) = NewAgent();
        await window.ApplyAsync(new ApplyRequest(3, Config()));
        await window.ApplyAsync(new ApplyRequest(4, Config(lan: "eth9"), ConfirmSeconds: 5));

        Assert.Equal("Revision 4 is waiting for confirmation, not revision 3.", (await window.ConfirmAsync(3)).Error);
        var confirmed = await window.ConfirmAsync(4);
        Assert.Equal(new ConfirmStateEvent(null), confirmed);
        _time.Advance(TimeSpan.FromSeconds(60));
        await window.LastTimerRun;

        Assert.Equal(4, rulesets.AppliedRevision);
        Assert.Null(window.Pending);
        Assert.False(File.Exists(Path.Combine(_stateDir, ConfirmFile.FileName)));
        Assert.NotNull((await window.ConfirmAsync(4)).Error); // nothing pending any more
    }

    [Fact]
    public async Task A_second_write_with_a_window_is_folded_into_it_and_the_restore_point_stays_the_last_confirmed_state()
    {
        var (rulesets, window) = NewAgent();
        await window.ApplyAsync(new ApplyRequest(3, Config()));
        await window.ApplyAsync(new ApplyRequest(4, Config(lan: "eth9"), ConfirmSeconds: 5));
        _time.Advance(TimeSpan.FromSeconds(3));

        // A write with a window restarts the deadline and becomes the pending revision.
        var folded = await window.ApplyAsync(new ApplyRequest(5, Config(lan: "eth9", mode: MacFilterMode.AllowListed), ConfirmSeconds: 5));
        Assert.True(folded.Ok, folded.Error);
        Assert.Equal(new PendingConfirmation(5, _time.GetUtcNow().AddSeconds(5), 3), window.Pending);

        // The pending revision sent again without one (a reconnecting web) leaves the window as it is.
        Assert.True((await window.ApplyAsync(new ApplyRequest(5, Config(lan: "eth9", mode: MacFilterMode.AllowListed)))).Ok);
        Assert.Equal(new PendingConfirmation(5, _time.GetUtcNow().AddSeconds(5), 3), window.Pending);

        await ExpireAsync(window, 4);
        Assert.Equal(5, rulesets.AppliedRevision);
        await ExpireAsync(window, 1);
        Assert.Equal(3, rulesets.AppliedRevision);
        Assert.Equal(Json(Config()), Json(rulesets.AppliedConfig!));

        // The web may reconnect with the reverted revision before it hears of the revert: refused, a newer one is not.
        var stale = await window.ApplyAsync(new ApplyRequest(5, Config(lan: "eth9")));
        Assert.False(stale.Ok);
        Assert.Equal(3, rulesets.AppliedRevision);
        Assert.True((await window.ApplyAsync(new ApplyRequest(6, Config()))).Ok);
    }

    [Fact]
    public async Task A_newer_write_without_a_window_confirms_the_pending_one_and_nothing_is_reverted()
    {
        var (rulesets, window) = NewAgent();
        await window.ApplyAsync(new ApplyRequest(3, Config()));
        await window.ApplyAsync(new ApplyRequest(4, Config(lan: "eth9"), ConfirmSeconds: 5));

        var plain = await window.ApplyAsync(new ApplyRequest(5, Config(lan: "eth9", mode: MacFilterMode.AllowListed)));
        Assert.True(plain.Ok, plain.Error);
        Assert.Null(window.Pending);
        Assert.Contains("Revision 4 was confirmed by revision 5, applied without a window", _log.Lines);

        await ExpireAsync(window, 10);
        Assert.Equal(5, rulesets.AppliedRevision);
        Assert.Equal(Json(Config(lan: "eth9", mode: MacFilterMode.AllowListed)), Json(rulesets.AppliedConfig!));
        Assert.DoesNotContain(_log.Lines, l => l.Contains("not confirmed", StringComparison.Ordinal));

        // Persisted: an agent restarted afterwards has nothing pending either.
        var (_, restarted) = NewAgent();
        await restarted.StartAsync();
        Assert.Null(restarted.Pending);
    }

    [Fact]
    public async Task A_restart_inside_the_window_keeps_the_same_deadline_and_one_after_it_reverts_at_once()
    {
        var (_, first) = NewAgent();
        await first.ApplyAsync(new ApplyRequest(3, Config()));
        await first.ApplyAsync(new ApplyRequest(4, Config(lan: "eth9"), ConfirmSeconds: 10));
        var deadline = first.Pending!.Deadline;
        first.Dispose();
        _time.Advance(TimeSpan.FromSeconds(4));

        // Restarted inside the window: last-good is the pending revision, and the timer runs on to the same deadline.
        var (rulesets, second) = NewAgent();
        Assert.True(rulesets.RestoreLastGood());
        await second.StartAsync();
        Assert.Equal(new PendingConfirmation(4, deadline, 3), second.Pending);
        Assert.Equal(4, rulesets.AppliedRevision);
        await ExpireAsync(second, 6);
        Assert.Equal(3, rulesets.AppliedRevision);

        // Killed again inside a new window, started only after its deadline: reverted before anyone connects.
        await second.ApplyAsync(new ApplyRequest(5, Config(lan: "eth9"), ConfirmSeconds: 10));
        second.Dispose();
        _time.Advance(TimeSpan.FromSeconds(30));
        var (afterDeadline, third) = NewAgent();
        afterDeadline.RestoreLastGood();
        Assert.Equal(5, afterDeadline.AppliedRevision);
        await third.StartAsync();
        Assert.Equal(3, afterDeadline.AppliedRevision);
        Assert.Null(third.Pending);
        Assert.Equal(5, third.UnsettledRevert!.Revision);
    }

    [Fact]
    public async Task A_refused_apply_opens_no_window_and_without_a_previous_state_there_is_none_to_open()
    {
        var (rulesets, window) = NewAgent();
        Assert.True((await window.ApplyAsync(new ApplyRequest(1, Config(), ConfirmSeconds: 5))).Ok);
        Assert.Null(window.Pending); // nothing to go back to but the lockdown

        var refused = await window.ApplyAsync(new ApplyRequest(2, Config(lan: "br-typo"), ConfirmSeconds: 5));
        Assert.False(refused.Ok);
        Assert.Null(window.Pending);
        Assert.False(File.Exists(Path.Combine(_stateDir, ConfirmFile.FileName)));
        Assert.Equal(1, rulesets.AppliedRevision);
    }

    /// <summary>Each log line as formatted.</summary>
    private sealed class LinesLogger : ILogger<ConfirmWindow>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
