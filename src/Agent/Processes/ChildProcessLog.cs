using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Processes;

/// <summary>
/// The log lines every supervised daemon shares, worded once; each supervisor passes its own logger (so the lines
/// keep its category) and the daemon's name.
/// </summary>
public static partial class ChildProcessLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Daemon} exited with code {Code}; starting it again in {Seconds:F1} s")]
    public static partial void ChildDied(this ILogger logger, string daemon, int code, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Daemon} could not be started ({Binary}): {Error}")]
    public static partial void ChildStartFailed(this ILogger logger, string daemon, string binary, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Daemon}: {Line}")]
    public static partial void ChildOutput(this ILogger logger, string daemon, string line);
}
