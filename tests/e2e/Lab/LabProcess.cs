using System.Diagnostics;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// A child process whose stdout and stderr are appended to a log file, so a failed test leaves the
/// agent's and the web's own words behind in the artifacts folder.
/// </summary>
internal sealed class LabProcess
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _closed;

    private LabProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public string Name { get; private init; } = "";

    public string LogPath { get; private init; } = "";

    public int Pid => _process.Id;

    public Process Process => _process;

    public bool HasExited => _process.HasExited;

    public static LabProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, string logPath)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"=== {DateTimeOffset.UtcNow:O} start: {fileName} {string.Join(' ', info.ArgumentList)}");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new LabProcess(process, log) { Name = name, LogPath = logPath };
        process.OutputDataReceived += (_, e) => child.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => child.Append("err", e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            if (!_closed)
            {
                _log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {stream} {line}");
            }
        }
    }

    /// <summary>SIGTERM (or SIGKILL with <paramref name="kill"/>) and wait; a process that ignores SIGTERM is killed with its children.</summary>
    public async Task StopAsync(bool kill = false, TimeSpan? grace = null)
    {
        if (_closed)
        {
            return;
        }

        if (!_process.HasExited)
        {
            if (kill)
            {
                // SIGKILL to the process and anything it started (a shell's children).
                _process.Kill(entireProcessTree: true);
            }
            else
            {
                Interop.Signal(_process.Id, Interop.SigTerm);
            }

            using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Append("lab", "did not stop in time; killing the process tree");
                _process.Kill(entireProcessTree: true);
                using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    // Also waits for the output pipes, which an escaped grandchild could hold open.
                    await _process.WaitForExitAsync(last.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        // WaitForExitAsync also waits for the redirected streams to reach their end.
        lock (_logLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            var exit = _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
            _log.WriteLine($"=== {DateTimeOffset.UtcNow:O} exited with {exit}{(kill ? " (SIGKILL)" : "")}");
            _log.Dispose();
        }

        _process.Dispose();
    }

    /// <summary>The last lines of the log, for exception messages.</summary>
    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }
}
