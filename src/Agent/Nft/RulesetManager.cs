using System.Diagnostics;
using Gateway.Agent.Conntrack;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// The one place that changes the kernel: validate → compile → replace the table → close removed
/// forwards' connections → remember the snapshot. Applies are serialised; in-memory state changes
/// only after the kernel accepted the ruleset.
/// </summary>
public sealed partial class RulesetManager(NftApplier applier, LastGoodStore store, ILogger<RulesetManager> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LastGood? _current;

    /// <summary>Revision in the kernel now (0 before the first successful apply).</summary>
    public long AppliedRevision => Volatile.Read(ref _current)?.Revision ?? 0;

    /// <summary>The snapshot in the kernel now, if any.</summary>
    public GatewayConfig? AppliedConfig => Volatile.Read(ref _current)?.Config;

    public async Task<AppliedEvent> ApplyAsync(long revision, GatewayConfig? config, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Apply(revision, config, persist: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Re-applies the stored last-good snapshot; called at start-up before the socket opens.</summary>
    /// <returns>False when there was a snapshot but it could not be applied.</returns>
    public bool RestoreLastGood()
    {
        LastGood? stored;
        try
        {
            stored = store.Load();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            LogStateUnreadable(store.FilePath, ex.Message);
            EnsureClosed();
            return false;
        }

        if (stored is null)
        {
            // First boot: nothing may be forwarded before the owner has set the router up.
            LogNoState(store.FilePath);
            EnsureClosed();
            return true;
        }

        var result = Apply(stored.Revision, stored.Config, persist: false);
        if (result.Ok)
        {
            LogRestored(stored.Revision, result.DurationMs);
        }
        else
        {
            LogRestoreFailed(stored.Revision, result.Error ?? string.Empty);
            EnsureClosed();
        }

        return result.Ok;
    }

    /// <summary>
    /// Fail closed when the last-good snapshot can't be restored: a table that is still in the kernel (say,
    /// after an agent restart) is kept as it is; with none, a lockdown table stops all forwarding until the
    /// web sends a config. The router's own input stays open, so the admin can still reach the panel.
    /// </summary>
    private void EnsureClosed()
    {
        if (applier.ListTable().Length > 0)
        {
            return;
        }

        var result = applier.Replace(RulesetCompiler.Lockdown());
        if (result.Ok)
        {
            LogLockdown();
        }
        else
        {
            LogRestoreFailed(0, result.Error);
        }
    }

    private AppliedEvent Apply(long revision, GatewayConfig? config, bool persist)
    {
        var clock = Stopwatch.StartNew();
        var errors = ConfigValidator.Validate(config);
        if (!errors.IsValid)
        {
            LogRejected(revision, errors.ToString());
            return new AppliedEvent(revision, false, $"Invalid configuration: {errors}", clock.Elapsed.TotalMilliseconds);
        }

        string table;
        try
        {
            table = RulesetCompiler.Compile(config!);
        }
        catch (ArgumentException ex)
        {
            return new AppliedEvent(revision, false, $"Invalid configuration: {ex.Message}", clock.Elapsed.TotalMilliseconds);
        }

        var compiledAt = clock.Elapsed.TotalMilliseconds;
        var result = applier.Replace(table);
        var kernelMs = clock.Elapsed.TotalMilliseconds - compiledAt;
        if (!result.Ok)
        {
            LogKernelRefused(revision, result.Error);
            return new AppliedEvent(revision, false, result.Error, clock.Elapsed.TotalMilliseconds);
        }

        var previous = _current;
        var applied = new LastGood(revision, config!);
        Volatile.Write(ref _current, applied);
        CloseStaleConnections(previous?.Config, applied.Config);
        if (persist)
        {
            try
            {
                store.Save(applied);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The kernel has the rules; only the boot-time restore is at risk, so report but keep going.
                LogStateWriteFailed(store.FilePath, ex.Message);
            }
        }

        LogApplied(revision, clock.Elapsed.TotalMilliseconds, compiledAt, kernelMs, table.Length / 1024);
        return new AppliedEvent(revision, true, null, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Ids of forwards whose existing connections must go: removed, disabled, or changed in a way packets see.</summary>
    public static IReadOnlyList<int> StaleForwardIds(GatewayConfig? previous, GatewayConfig next)
    {
        if (previous is null)
        {
            return [];
        }

        var now = next.PortForwards.Where(f => f.Enabled && f.Id > 0).ToDictionary(f => f.Id);
        var stale = new List<int>();
        foreach (var old in previous.PortForwards.Where(f => f.Enabled && f.Id > 0))
        {
            if (!now.TryGetValue(old.Id, out var current) || PacketShape(old) != PacketShape(current))
            {
                stale.Add(old.Id);
            }
        }

        return stale;
    }

    // Name and log level don't change what a packet meets, so they don't cut connections.
    private static PortForward PacketShape(PortForward forward) => forward with { Name = string.Empty, LogLevel = null };

    private void CloseStaleConnections(GatewayConfig? previous, GatewayConfig next)
    {
        var stale = StaleForwardIds(previous, next);
        if (stale.Count == 0)
        {
            return;
        }

        try
        {
            using var conntrack = new ConntrackClient();
            foreach (var id in stale)
            {
                conntrack.DeleteByMark((uint)id);
            }

            LogClosed(string.Join(",", stale));
        }
        catch (ConntrackException ex)
        {
            LogCloseFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied revision {Revision} in {DurationMs:F1} ms (validate+compile {CompileMs:F1} ms, libnftables {KernelMs:F1} ms, {Kib} KiB)")]
    private partial void LogApplied(long revision, double durationMs, double compileMs, double kernelMs, int kib);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected revision {Revision}: {Errors}")]
    private partial void LogRejected(long revision, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "The kernel refused revision {Revision}: {Error}")]
    private partial void LogKernelRefused(long revision, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored last-good revision {Revision} in {DurationMs:F1} ms")]
    private partial void LogRestored(long revision, double durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restore last-good revision {Revision}: {Error}")]
    private partial void LogRestoreFailed(long revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No last-good ruleset could be restored: lockdown table applied, nothing is forwarded until a config arrives")]
    private partial void LogLockdown();

    [LoggerMessage(Level = LogLevel.Information, Message = "No last-good state at {Path}; waiting for the first apply")]
    private partial void LogNoState(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Last-good state {Path} is unreadable: {Error}")]
    private partial void LogStateUnreadable(string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write last-good state {Path}: {Error}")]
    private partial void LogStateWriteFailed(string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed connections of changed or removed forwards {Ids}")]
    private partial void LogClosed(string ids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete conntrack entries: {Error}")]
    private partial void LogCloseFailed(string error);
}
