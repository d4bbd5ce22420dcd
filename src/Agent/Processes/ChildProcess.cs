using System.ComponentModel;
using System.Diagnostics;
using static Tmds.Linux.LibC;

namespace Gateway.Agent.Processes;

/// <summary>
/// One daemon run as a child of the agent: started with its arguments passed as they are (no shell), its non-empty
/// stdout and stderr lines handed to a sink as they come (the agent's log), watched for its exit, and stopped with
/// SIGTERM and, when it is still there after a grace period, SIGKILL. Started in its own process group (through
/// <c>setsid</c>, which execs in place, so the pid stays the daemon's), the helpers it forks go with it, whether it
/// is stopped or died. The supervisor that owns it decides when to start, reload and stop; this only does it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>How long a daemon has to clean up (dhcpcd removes its addresses) before it is killed.</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(5);

    private const string Setsid = "/usr/bin/setsid";

    private readonly Process _process;
    private readonly bool _ownGroup;
    private readonly Stopwatch _running = Stopwatch.StartNew();

    private ChildProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
        // Once, for the child's life: it completes when the child has exited and its output has been read to the end.
        Exited = process.WaitForExitAsync();
    }

    public int Id => _process.Id;

    /// <summary>Completes when the child has exited and all its output has reached the sink.</summary>
    public Task Exited { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (128 + the signal for a child killed by one); valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How long ago it was started: a long run before a death resets the <see cref="RestartBackOff"/>.</summary>
    public TimeSpan RunningFor => _running.Elapsed;

    /// <summary>
    /// Starts <paramref name="binary"/> with <paramref name="arguments"/>, in its own process group when
    /// <paramref name="ownProcessGroup"/>; null (and why in <paramref name="error"/>) when it could not be started.
    /// </summary>
    public static ChildProcess? TryStart(string binary, IEnumerable<string> arguments, Action<string> output, bool ownProcessGroup, out string error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var info = new ProcessStartInfo(ownProcessGroup ? Setsid : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ownProcessGroup)
        {
            info.ArgumentList.Add(binary);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Forward(e.Data, output);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, output);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            process.Dispose();
            error = ex.Message;
            return null;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        error = string.Empty;
        return new ChildProcess(process, ownProcessGroup);
    }

    /// <summary>Sends <paramref name="signal"/> to the child (not its group); false when it has exited.</summary>
    public bool Signal(int signal) => !_process.HasExited && kill(_process.Id, signal) == 0;

    /// <summary>
    /// SIGTERM, then SIGKILL if it has not exited after <paramref name="grace"/>; then, for a child in its own group,
    /// SIGKILL to whatever is left of the group. Returns at once for a child that has already exited (its group is
    /// still killed: helpers of a daemon that died).
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = kill(_process.Id, SIGTERM);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await Exited.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: _ownGroup);
                // Before the wait: a helper left in the group may hold the output pipe, and the wait reads it to the end.
                KillGroup();
                await Exited.ConfigureAwait(false);
            }
        }

        KillGroup();
    }

    /// <summary>Stops the child (<see cref="DefaultStopGrace"/>) if it still runs, and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(DefaultStopGrace).ConfigureAwait(false);
        _process.Dispose();
    }

    private void KillGroup()
    {
        if (_ownGroup)
        {
            _ = kill(-_process.Id, SIGKILL);
        }
    }

    private static void Forward(string? line, Action<string> output)
    {
        if (line is { Length: > 0 })
        {
            output(line);
        }
    }
}
