using System.Collections.Concurrent;
using Gateway.Agent.Processes;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The one way the agent runs a daemon, tried with real short-lived children (<c>/bin/sh</c>, <c>sleep</c>): output
/// lines reach the sink, a child deaf to SIGTERM is killed after the grace, a child in its own group takes its
/// grandchildren with it.
/// </summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortGrace = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Lines_on_stdout_and_stderr_reach_the_sink_and_empty_lines_do_not()
    {
        var lines = new ConcurrentQueue<string>();
        await using var child = Start("echo one; echo; echo two >&2; echo three", lines.Enqueue);

        await child.Exited.WaitAsync(Bound);

        Assert.Equal(["one", "three", "two"], lines.Order(StringComparer.Ordinal));
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public async Task A_child_that_stops_on_sigterm_exits_within_the_grace()
    {
        var ready = new TaskCompletionSource();
        await using var child = Start("echo ready; exec sleep 60", _ => ready.TrySetResult());
        await ready.Task.WaitAsync(Bound);

        await child.StopAsync(TimeSpan.FromSeconds(30)).WaitAsync(Bound);

        Assert.Equal(128 + 15, child.ExitCode); // SIGTERM's
    }

    [Fact]
    public async Task A_child_that_ignores_sigterm_is_killed_after_the_grace()
    {
        var ready = new TaskCompletionSource();
        // The trap is set before "ready" is said, and exec keeps the ignored SIGTERM.
        await using var child = Start("trap '' TERM; echo ready; exec sleep 60", _ => ready.TrySetResult());
        await ready.Task.WaitAsync(Bound);

        await child.StopAsync(ShortGrace).WaitAsync(Bound);

        Assert.True(child.HasExited);
        Assert.Equal(128 + 9, child.ExitCode); // SIGKILL's
    }

    [Fact]
    public async Task A_grandchild_in_the_childs_own_group_dies_with_it()
    {
        var grandchild = new TaskCompletionSource<int>();
        // The grandchild outlives the shell unless its group is killed; it lets go of the output pipe.
        await using var child = Start("sleep 60 >/dev/null 2>&1 & echo $!; wait", line => grandchild.TrySetResult(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)), ownProcessGroup: true);
        var pid = await grandchild.Task.WaitAsync(Bound);
        Assert.True(Alive(pid));

        await child.StopAsync(ShortGrace).WaitAsync(Bound);

        Assert.Equal(128 + 15, child.ExitCode);
        Assert.True(await GoneAsync(pid), $"grandchild {pid} outlived its group");
    }

    [Fact]
    public async Task A_grandchild_outside_a_group_of_its_own_is_left_alone()
    {
        var grandchild = new TaskCompletionSource<int>();
        await using var child = Start("sleep 60 >/dev/null 2>&1 & echo $!; wait", line => grandchild.TrySetResult(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)));
        var pid = await grandchild.Task.WaitAsync(Bound);
        try
        {
            await child.StopAsync(ShortGrace).WaitAsync(Bound);

            // Only what the daemon's own group holds is killed: the agent's own group is never signalled.
            Assert.True(Alive(pid));
        }
        finally
        {
            _ = Tmds.Linux.LibC.kill(pid, Tmds.Linux.LibC.SIGKILL);
        }
    }

    [Fact]
    public void A_binary_that_is_not_there_is_not_started_and_says_why()
    {
        var child = ChildProcess.TryStart("/nonexistent/daemon", [], _ => { }, ownProcessGroup: false, out var error);

        Assert.Null(child);
        Assert.NotEmpty(error);
    }

    private static ChildProcess Start(string script, Action<string> output, bool ownProcessGroup = false) =>
        ChildProcess.TryStart("/bin/sh", ["-c", script], output, ownProcessGroup, out var error)
            ?? throw new InvalidOperationException(error);

    /// <summary>Running: its /proc entry is there and not a zombie (nobody may reap an orphan here).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<bool> GoneAsync(int pid)
    {
        // SIGKILL is delivered at once, but the process needs a moment on a CPU to die.
        for (var i = 0; i < 100 && Alive(pid); i++)
        {
            await Task.Delay(20);
        }

        return !Alive(pid);
    }
}
