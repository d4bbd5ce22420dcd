using System.Diagnostics;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>The drift watcher's pass: is the kernel still what the agent wrote, and if not, put it back.</summary>
public sealed partial class RulesetManager
{
    // The last drift that could not be repaired, so a lasting failure is reported once, not every tick.
    private string? _unrepaired;

    /// <summary>
    /// One pass of the drift watcher. In lockdown: retries a restore that waited for its LAN link, and rebuilds the
    /// lockdown when the uplinks changed (a WAN lease that came after boot). Then compares the table with the
    /// fingerprint of the last one this agent wrote; when it changed or is gone, re-applies (the current snapshot,
    /// or the lockdown) and returns the event to push; with the table intact and a config applied, puts back policy
    /// routing and turns forwarding back on if someone changed them (also drift). Null when nothing drifted.
    /// </summary>
    public async Task<DriftEvent?> CheckDriftAsync(CancellationToken cancellationToken = default)
    {
        var (drift, owed) = await GatedAsync(
            () =>
            {
                var drifted = CheckDrift();
                TrimOwed(_current?.Revision ?? 0); // a repair or a late restore replaced the table
                return (drifted, _watch.TakeOwed());
            },
            cancellationToken).ConfigureAwait(false);
        if (owed is { } generation)
        {
            await FingerprintOutsideGateAsync(generation, cancellationToken).ConfigureAwait(false);
        }

        return drift;
    }

    /// <summary>
    /// Takes the fingerprints of the table the agent last wrote without holding the gate: with 20,000 elements the
    /// dumps still take tens of milliseconds, which an apply waiting behind them need not wait. They are kept
    /// only if the generation stayed at <paramref name="generation"/> (the one the agent's write left) before and
    /// after the read, so nobody, the agent included, committed meanwhile; otherwise the next tick tries again.
    /// </summary>
    private async Task FingerprintOutsideGateAsync(uint generation, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var fingerprints = _kernel.Fingerprints();
        LogFingerprinted(_current?.Revision ?? 0, clock.Elapsed.TotalMilliseconds); // once per rebuild: it reads every element
        if (fingerprints is null || _kernel.Generation() != generation)
        {
            return;
        }

        await GatedAsync(
            () =>
            {
                _watch.KeepListed(generation, fingerprints);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private DriftEvent? CheckDrift()
    {
        if (_lockdown.Active && _pendingRestore is { } pending && _kernel.LinkExists(pending.Config.Network.LanInterface))
        {
            var restored = Apply(pending.Revision, pending.Config, persist: false, Trust.None);
            if (restored.Ok)
            {
                LogRestored(pending.Revision, restored.DurationMs);
                return null;
            }

            LogRestoreFailed(pending.Revision, restored.Error ?? string.Empty);
            _pendingRestore = null;
        }

        if (_lockdown.UplinksChanged())
        {
            Lockdown();
            return null;
        }

        if (!_watch.HasWritten)
        {
            return null;
        }

        var state = _watch.Check();
        if (state == TableState.Ours)
        {
            _watch.FoundIntact();
            _unrepaired = null;
            return _current is null || _lockdown.Active ? null : CheckBeyondTable(_current.Config);
        }

        var what = state switch
        {
            TableState.Gone => $"table inet {RulesetCompiler.TableName} was removed",
            TableState.Unverified => $"table inet {RulesetCompiler.TableName} could not be checked (another nftables change came before the check of the last apply's elements)",
            _ => $"table inet {RulesetCompiler.TableName} was changed",
        };

        // Someone else's table: its counters are not trusted; the values already reported carry over.
        var repaired = _lockdown.Active || _current is null
            ? Lockdown()
            : Apply(_current.Revision, _current.Config, persist: false, Trust.None).Ok;
        if (repaired)
        {
            // Fingerprint the rebuilt table's contents at once (this is the watcher's time, not an apply's), so the
            // next foreign edit is told apart, and a busy neighbour in the namespace does not make every tick rebuild.
            _watch.Verify(requireQuiet: state != TableState.Unverified);
        }

        if (!repaired && _unrepaired == what)
        {
            return null;
        }

        _unrepaired = repaired ? null : what;
        return Drifted(what, repaired);
    }

    /// <summary>
    /// With the table intact: routes whose out link came back, rules or addresses someone changed, and forwarding
    /// someone turned off are put back. A route returning with its link is expected; anything else is drift.
    /// </summary>
    private DriftEvent? CheckBeyondTable(GatewayConfig config)
    {
        var changes = _routing?.Reconcile(config) ?? [];
        var foreign = changes.Where(c => !c.StartsWith("added ip route ", StringComparison.Ordinal)).ToList();
        if (foreign.Count > 0)
        {
            return Drifted($"policy routing or 1:1 addresses were changed ({string.Join("; ", foreign)})", true);
        }

        var off = _forwarding.TurnBackOn(config);
        return off.Count == 0 ? null : Drifted($"{string.Join(" and ", off)} {(off.Count == 1 ? "was" : "were")} turned off", true);
    }

    private DriftEvent Drifted(string what, bool repaired)
    {
        LogDrift(what, repaired);
        return new DriftEvent(DateTimeOffset.UtcNow, what, repaired);
    }
}
