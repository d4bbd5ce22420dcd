using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>The apply manager's log lines (its helpers log through the same logger, under its category).</summary>
public sealed partial class RulesetManager
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Applied revision {Revision} in {DurationMs:F1} ms (validate+compile {CompileMs:F1} ms, libnftables {KernelMs:F1} ms, table {How}, {Kib} KiB)")]
    private partial void LogApplied(long revision, double durationMs, double compileMs, double kernelMs, string how, int kib);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory given back after revision {Revision}: {Before} → {After} MiB resident in {Ms:F1} ms")]
    private partial void LogTrimmed(long revision, long before, long after, double ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fingerprinted the table of revision {Revision} in {Ms:F1} ms")]
    private partial void LogFingerprinted(long revision, double ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kernel refused the element update of revision {Revision} ({Error}); replacing the whole table")]
    private partial void LogElementUpdateFailed(long revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected revision {Revision}: {Errors}")]
    private partial void LogRejected(long revision, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "The kernel refused revision {Revision}: {Error}")]
    private partial void LogKernelRefused(long revision, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored last-good revision {Revision} in {DurationMs:F1} ms")]
    private partial void LogRestored(long revision, double durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered last-good revision {Revision}: snapshot revision {Snapshot} and {Records} journal records; ignored: {Ignored}")]
    private partial void LogJournalReplayed(long revision, long snapshot, int records, string ignored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restore last-good revision {Revision}: {Error}")]
    private partial void LogRestoreFailed(long revision, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "No last-good state at {Path}; waiting for the first apply")]
    private partial void LogNoState(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Last-good state {Path} is unreadable: {Error}")]
    private partial void LogStateUnreadable(string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write last-good state {Path}: {Error}")]
    private partial void LogStateWriteFailed(string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift: {What} by someone else; re-applied: {Repaired}")]
    private partial void LogDrift(string what, bool repaired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kernel refused the killed-flow elements ({Error}); the connection is cut without resets")]
    private partial void LogKilledFlowRefused(string error);
}
