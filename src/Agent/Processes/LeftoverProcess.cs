using System.Globalization;
using static Tmds.Linux.LibC;

namespace Gateway.Agent.Processes;

/// <summary>
/// A daemon an earlier agent started and never stopped (that agent was killed; its child lives on, holding the
/// daemon's pid file, ports and state). Found through the pid file the daemon wrote, checked to be that program
/// (pids are reused), sent SIGTERM and given up to five seconds to go, so the new one can take its place.
/// </summary>
public static class LeftoverProcess
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Stops the process <paramref name="pidFile"/> names if it runs <paramref name="binary"/>'s program.</summary>
    /// <returns>The pid it stopped; null when the file names no such process.</returns>
    public static async Task<int?> StopAsync(string pidFile, string binary)
    {
        if (ReadPid(pidFile) is not { } pid || !Runs(pid, Path.GetFileName(binary)))
        {
            return null;
        }

        _ = kill(pid, SIGTERM);
        for (var waited = TimeSpan.Zero; waited < Wait && Directory.Exists($"/proc/{pid}"); waited += Poll)
        {
            await Task.Delay(Poll).ConfigureAwait(false);
        }

        return pid;
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return File.Exists(pidFile)
                && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid > 1 ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>By the executable, not the process name: that one is cut at 15 characters and a process may change it.</summary>
    private static bool Runs(int pid, string program)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget is { } exe && Path.GetFileName(exe) == program;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
