using System.Diagnostics;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// The one place that changes the kernel: validate → check the LAN link → compile → move the kernel to the new
/// table → close removed forwards' connections → turn forwarding on → remember the snapshot. A change that only
/// adds, removes or edits set/map elements (<see cref="TableDelta"/>) goes to the kernel as element updates in one
/// transaction; anything structural, the first apply, a restore, a drift repair, a table the agent can't vouch for,
/// or a refused element update replaces the whole table (carrying the rule counters over). Applies, restores,
/// lockdowns, drift repairs and counter samples are serialised by one gate; in-memory state changes only after the
/// kernel accepted the ruleset. The routing state beyond the
/// table (1:1 addresses, policy rules and routes) follows every apply, lockdown and drift pass through
/// <paramref name="routing"/> (absent in tests that only look at the table); the MAC pinhole sets are filled after
/// every apply and kept current between applies through <paramref name="pinholes"/>.
/// </summary>
public sealed partial class RulesetManager(IRulesetKernel kernel, LastGoodStore store, ILogger<RulesetManager> logger, RoutingReconciler? routing = null, PinholeSync? pinholes = null, Lan.LanServices? lanServices = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RuleCounters _counters = new();
    private readonly FingerprintFile _written = new(Path.GetDirectoryName(store.FilePath)!);
    private LastGood? _current;

    // The compiled table in the kernel now (null in lockdown and before the first apply): what element updates start from.
    private CompiledTable? _compiled;

    // True once this agent wrote a table (applied config or lockdown).
    private bool _wrote;

    // The nftables generation right after this agent's last write (or last check that found its table intact):
    // while the kernel still reports it, nothing was committed since, so the table needs no listing.
    private uint? _generation;

    // Fingerprints of the structure (with handles) and of the contents of the table this agent last wrote, taken off
    // the apply path by the drift watcher once the generation proves nobody committed in between (see Verify); null
    // until then. Element updates leave the structure's as it is.
    private string? _fingerprint;
    private string? _content;

    // Set by a drift check that found the agent's own table without a fingerprint of its contents: the generation
    // the listing must be taken at, outside the gate (FingerprintOutsideGateAsync).
    private uint? _fingerprintOwedAt;

    // Non-null while the kernel holds the lockdown table: the uplinks it was built for.
    private IReadOnlyList<string>? _lockdownUplinks;

    // A last-good snapshot that could not be restored at boot because its LAN link was missing yet.
    private LastGood? _pendingRestore;

    // The last drift that could not be repaired, so a lasting failure is reported once, not every tick.
    private string? _unrepaired;

    /// <summary>Revision in the kernel now (0 before the first successful apply).</summary>
    public long AppliedRevision => Volatile.Read(ref _current)?.Revision ?? 0;

    /// <summary>The snapshot in the kernel now, if any.</summary>
    public GatewayConfig? AppliedConfig => Volatile.Read(ref _current)?.Config;

    /// <summary>True while the lockdown table is in the kernel (no snapshot could be applied yet).</summary>
    public bool InLockdown => Volatile.Read(ref _lockdownUplinks) is not null;

    // True from a start without last-good state (setup not done) until the first apply: the first-boot LAN is served.
    private bool _neverSetUp;

    /// <summary>The first-boot link and address while the agent serves them (setup not done); null otherwise.</summary>
    public FirstBootLan? FirstBootLan => Volatile.Read(ref _neverSetUp) && _current is null ? lanServices?.FirstBoot : null;

    /// <summary>Addresses the agent put on links for 1:1 NAT and holds now.</summary>
    public IReadOnlyList<string> AgentAddresses => routing?.AgentAddresses ?? [];

    /// <summary>The agent's ip rules, routes and addresses as text for the ruleset view (empty without any).</summary>
    public async Task<string> DescribeRoutingAsync(CancellationToken cancellationToken = default)
    {
        if (routing is null)
        {
            return string.Empty;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return routing.Describe();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<AppliedEvent> ApplyAsync(long revision, GatewayConfig? config, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Element updates and the kernel's counters are trusted only while the table is still the one this
            // agent wrote (the drift watcher looks every few seconds; this closes the window in between).
            var trust = _lockdownUplinks is null && _wrote ? Check() : TableState.Changed;
            return Apply(revision, config, persist: true, trust == TableState.Ours ? Trust.Whole : Trust.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Re-applies the stored last-good snapshot; called at start-up before the socket opens. Without one (first
    /// boot), with an unreadable one, or when it can't be applied, the lockdown table replaces whatever
    /// <c>table inet gateway</c> is in the kernel: a table this agent did not write is never trusted.
    /// </summary>
    /// <returns>False when there was a snapshot but it could not be applied.</returns>
    public bool RestoreLastGood()
    {
        _gate.Wait();
        try
        {
            LastGood? stored;
            try
            {
                stored = store.Load();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                LogStateUnreadable(store.FilePath, ex.Message);
                Lockdown();
                return false;
            }

            if (stored is null)
            {
                // First boot: nothing may be forwarded, nor reach the router from the uplink, before setup.
                LogNoState(store.FilePath);
                Volatile.Write(ref _neverSetUp, true);
                Lockdown();
                return true;
            }

            // Counters carry over only from the very table the previous run wrote (same handles, same contents).
            var ours = _written.Load() is { } written
                && ((written.Generation is { } generation && generation == kernel.Generation())
                    || (written.Fingerprint is { } fingerprint && fingerprint == kernel.Fingerprints()?.Structure));
            var result = Apply(stored.Revision, stored.Config, persist: false, ours ? Trust.Counters : Trust.None);
            if (result.Ok)
            {
                LogRestored(stored.Revision, result.DurationMs);
                return true;
            }

            LogRestoreFailed(stored.Revision, result.Error ?? string.Empty);
            if (!kernel.LinkExists(stored.Config.Network.LanInterface))
            {
                // A LAN bridge or USB NIC that appears after the agent: the drift loop retries once it exists.
                _pendingRestore = stored;
            }

            Lockdown();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One pass of the drift watcher. In lockdown: retries a restore that waited for its LAN link, and rebuilds the
    /// lockdown when the uplinks changed (a WAN lease that came after boot). Then compares the table with the
    /// fingerprint of the last one this agent wrote; when it changed or is gone, re-applies (the current snapshot,
    /// or the lockdown) and returns the event to push; with the table intact and a config applied, turns IPv4
    /// forwarding back on if someone turned it off (also drift). Null when nothing drifted.
    /// </summary>
    public async Task<DriftEvent?> CheckDriftAsync(CancellationToken cancellationToken = default)
    {
        DriftEvent? drift;
        uint? owed;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            drift = CheckDrift();
            owed = _fingerprintOwedAt;
            _fingerprintOwedAt = null;
        }
        finally
        {
            _gate.Release();
        }

        if (owed is { } generation)
        {
            await FingerprintOutsideGateAsync(generation, cancellationToken).ConfigureAwait(false);
        }

        return drift;
    }

    /// <summary>
    /// Takes the fingerprints of the table the agent last wrote without holding the gate: with 20,000 elements the
    /// listing takes as long as a whole replace, and an apply waiting behind it would wait that long. They are kept
    /// only if the generation stayed at <paramref name="generation"/> (the one the agent's write left) before and
    /// after the listing, so nobody, the agent included, committed meanwhile; otherwise the next tick tries again.
    /// </summary>
    private async Task FingerprintOutsideGateAsync(uint generation, CancellationToken cancellationToken)
    {
        var fingerprints = kernel.Fingerprints();
        if (fingerprints is null || kernel.Generation() != generation)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_generation == generation && _content is null)
            {
                _fingerprint = fingerprints.Structure;
                _content = fingerprints.Content;
                _written.Save(new WrittenTable(_fingerprint, _generation));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Brings the MAC pinhole sets of the applied config up to the neighbour table (<see cref="PinholeSync"/>); does
    /// nothing in lockdown or before the first apply. Serialised with applies, so it never writes into a table being
    /// replaced.
    /// </summary>
    public async Task SyncPinholesAsync(bool full, CancellationToken cancellationToken = default)
    {
        if (pinholes is null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } current && _lockdownUplinks is null)
            {
                SyncPinholes(current.Config, full);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The rule counters now, clamped so no rule's count ever goes down as the web sees it, and the log lines the
    /// shared limit suppressed (null while no applied table is in).
    /// </summary>
    public async Task<CountersSample> SampleCountersAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ids = RuleIds(_current?.Config);
            var readings = ids.Count == 0 ? new Dictionary<int, RuleHits>() : kernel.ReadCounters();
            var observed = _counters.Observe(ids, readings);
            var suppressed = ids.Count == 0 ? (long?)null : _counters.Suppressed(observed);
            return new CountersSample([.. observed.Where(h => h.Id > 0)], DateTimeOffset.UtcNow, suppressed);
        }
        finally
        {
            _gate.Release();
        }
    }

    private DriftEvent? CheckDrift()
    {
        if (_lockdownUplinks is not null && _pendingRestore is { } pending && kernel.LinkExists(pending.Config.Network.LanInterface))
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

        if (_lockdownUplinks is { } uplinks && !uplinks.SequenceEqual(kernel.Uplinks(), StringComparer.Ordinal))
        {
            Lockdown();
            return null;
        }

        if (!_wrote)
        {
            return null;
        }

        var state = Check();
        if (state == TableState.Ours)
        {
            if (_content is null)
            {
                // With a generation to prove quiet by, the listing is taken after the gate is released.
                if (_generation is { } generation)
                {
                    _fingerprintOwedAt = generation;
                }
                else
                {
                    Verify();
                }
            }

            _unrepaired = null;
            if (_current is null || _lockdownUplinks is not null)
            {
                return null;
            }

            // Routes whose out link came back, rules or addresses someone changed: put back what the config wants.
            // A route returning with its link is expected; anything else was changed by someone: drift.
            var changes = routing?.Reconcile(_current.Config) ?? [];
            var foreign = changes.Where(c => !c.StartsWith("added ip route ", StringComparison.Ordinal)).ToList();
            if (foreign.Count > 0)
            {
                var changed = $"policy routing or 1:1 addresses were changed ({string.Join("; ", foreign)})";
                LogDrift(changed, true);
                return new DriftEvent(DateTimeOffset.UtcNow, changed, true);
            }

            return CheckForwarding(_current.Config);
        }

        var what = state switch
        {
            TableState.Gone => $"table inet {RulesetCompiler.TableName} was removed",
            TableState.Unverified => $"table inet {RulesetCompiler.TableName} could not be checked (another nftables change came before the check of the last apply's elements)",
            _ => $"table inet {RulesetCompiler.TableName} was changed",
        };
        bool repaired;
        if (_lockdownUplinks is not null || _current is null)
        {
            repaired = Lockdown();
        }
        else
        {
            // Someone else's table: its counters are not trusted; the values already reported carry over.
            var result = Apply(_current.Revision, _current.Config, persist: false, Trust.None);
            repaired = result.Ok;
        }

        if (repaired)
        {
            // Fingerprint the rebuilt table's contents at once (this is the watcher's time, not an apply's), so the
            // next foreign edit is told apart, and a busy neighbour in the namespace does not make every tick rebuild.
            Verify(requireQuiet: state != TableState.Unverified);
        }

        if (!repaired && _unrepaired == what)
        {
            return null;
        }

        _unrepaired = repaired ? null : what;
        LogDrift(what, repaired);
        return new DriftEvent(DateTimeOffset.UtcNow, what, repaired);
    }

    /// <summary>Forwarding is kernel state the agent owns too: someone turning it off is drift.</summary>
    private DriftEvent? CheckForwarding(GatewayConfig config)
    {
        var off = new List<string>();
        try
        {
            if (kernel.EnableIpv4Forwarding())
            {
                off.Add("net.ipv4.ip_forward");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogForwardingFailed("IPv4", ex.Message);
        }

        if (config.Network.Ipv6Enabled)
        {
            try
            {
                if (kernel.EnableIpv6Forwarding())
                {
                    off.Add("net.ipv6.conf.all.forwarding");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogForwardingFailed("IPv6", ex.Message);
            }
        }

        if (off.Count == 0)
        {
            return null;
        }

        var what = $"{string.Join(" and ", off)} {(off.Count == 1 ? "was" : "were")} turned off";
        LogDrift(what, true);
        return new DriftEvent(DateTimeOffset.UtcNow, what, true);
    }

    /// <summary>
    /// Replaces whatever table is in the kernel with the lockdown: nothing is forwarded, and the router's own
    /// services answer only on links that do not carry the default route.
    /// </summary>
    private bool Lockdown()
    {
        var uplinks = kernel.Uplinks();
        var firstBoot = FirstBootLan;
        var result = kernel.Replace(RulesetCompiler.Lockdown(uplinks, firstBoot?.Interface));
        if (!result.Ok)
        {
            LogLockdownFailed(result.Error);
            return false;
        }

        Volatile.Write(ref _current, null);
        Volatile.Write(ref _lockdownUplinks, uplinks);
        _compiled = null;
        Wrote(rebuilt: true);

        // No config: the agent wants no 1:1 addresses, no LAN IPv6 address and no policy routing (and cleans up a
        // previous run's). The pinhole sets went with the table.
        routing?.Reconcile(null, firstBoot);
        lanServices?.Serve(firstBoot is null ? null : Lan.LanServices.FirstBootConfig(firstBoot));
        pinholes?.Forget();
        LogLockdown(uplinks.Count == 0 ? "none" : string.Join(",", uplinks));
        return true;
    }

    private AppliedEvent Apply(long revision, GatewayConfig? config, bool persist, Trust trust)
    {
        var clock = Stopwatch.StartNew();
        var errors = ConfigValidator.Validate(config);
        if (!errors.IsValid)
        {
            LogRejected(revision, errors.ToString());
            return new AppliedEvent(revision, false, $"Invalid configuration: {errors}", clock.Elapsed.TotalMilliseconds);
        }

        // Input is closed for every link but the LAN, so a LAN name that matches nothing would lock the owner out.
        var lan = config!.Network.LanInterface;
        if (!kernel.LinkExists(lan))
        {
            var missing = $"The LAN interface {lan} does not exist: applying would close the router to the LAN.";
            LogRejected(revision, missing);
            return new AppliedEvent(revision, false, missing, clock.Elapsed.TotalMilliseconds);
        }

        CompiledTable compiled;
        try
        {
            compiled = RulesetCompiler.CompileTable(config);
        }
        catch (ArgumentException ex)
        {
            return new AppliedEvent(revision, false, $"Invalid configuration: {ex.Message}", clock.Elapsed.TotalMilliseconds);
        }

        var compiledAt = clock.Elapsed.TotalMilliseconds;
        var ids = RuleIds(config);
        var delta = trust == Trust.Whole && _lockdownUplinks is null && _current is not null && _compiled is { } before
            ? TableDelta.Between(before, compiled)
            : null;
        var how = "replaced";
        if (delta is not null && !delta.IsEmpty)
        {
            var updated = kernel.UpdateElements(delta.Script);
            if (updated.Ok)
            {
                how = $"{delta.Deleted} elements deleted, {delta.Added} added";
            }
            else
            {
                // The transaction was rolled back, so the table is still the previous one: replace it whole.
                LogElementUpdateFailed(revision, updated.Error);
                delta = null;
            }
        }
        else if (delta is not null)
        {
            how = "unchanged";
        }

        IReadOnlyDictionary<int, RuleHits>? carried = null;
        var size = 0;
        if (delta is null)
        {
            var readings = trust != Trust.None && ids.Count > 0 ? kernel.ReadCounters() : new Dictionary<int, RuleHits>();
            carried = _counters.CarryOver(ids, readings);
            var table = compiled.Text(carried);
            size = table.Length;
            var result = kernel.Replace(table);
            if (!result.Ok)
            {
                LogKernelRefused(revision, result.Error);
                return new AppliedEvent(revision, false, result.Error, clock.Elapsed.TotalMilliseconds);
            }
        }

        var kernelMs = clock.Elapsed.TotalMilliseconds - compiledAt;
        var previous = _current;
        var applied = new LastGood(revision, config);
        Volatile.Write(ref _current, applied);
        Volatile.Write(ref _lockdownUplinks, null);
        _pendingRestore = null;
        _compiled = compiled;
        if (carried is not null)
        {
            // A new table: its counters start from the carried values. Element updates leave the counters counting.
            _counters.Observe(ids, carried);
        }

        Volatile.Write(ref _neverSetUp, false);
        routing?.Reconcile(applied.Config);
        lanServices?.Serve(applied.Config);
        CloseStaleConnections(previous?.Config, applied.Config);
        EnsureForwarding(applied.Config);

        // A rebuilt table's MAC pinhole sets are empty: fill them from the neighbour table now. Element updates
        // leave them as they were, so only what changed (a new or re-targeted pinhole) is written.
        if (delta is { IsEmpty: true })
        {
            SyncPinholes(applied.Config, full: false);
        }
        else
        {
            pinholes?.Sync(applied.Config, full: delta is null);
            Wrote(rebuilt: delta is null);
        }

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

        LogApplied(revision, clock.Elapsed.TotalMilliseconds, compiledAt, kernelMs, how, size / 1024);
        return new AppliedEvent(revision, true, null, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Brings the MAC pinhole sets up to date between table writes. The sync commits too: when nothing else had
    /// committed since the agent's last write, its own commit must not make the next check list the whole table.
    /// </summary>
    private void SyncPinholes(GatewayConfig config, bool full)
    {
        if (pinholes is null)
        {
            return;
        }

        var before = _generation is null ? null : kernel.Generation();
        if (pinholes.Sync(config, full).Count > 0 && before is not null && before == _generation)
        {
            _generation = kernel.Generation();
        }
    }

    /// <summary>
    /// After this agent wrote the table: remember the generation the write left (pinhole syncs included), so the
    /// next check is one netlink request, and forget the fingerprints the write made stale (a rebuild changes every
    /// handle; element updates only the contents). They are taken again off the apply path (<see cref="Verify"/>):
    /// a listing costs as much as the apply itself with 10,000 elements.
    /// </summary>
    private void Wrote(bool rebuilt)
    {
        _wrote = true;
        if (rebuilt)
        {
            _fingerprint = null;
        }

        _content = null;
        _generation = kernel.Generation();
        _written.Save(new WrittenTable(_fingerprint, _generation));
    }

    /// <summary>
    /// Fingerprints the table the agent wrote. With <paramref name="requireQuiet"/>, only when the generation
    /// proves nobody committed since the write, before and after the listing (otherwise the next check may say
    /// <see cref="TableState.Unverified"/>); without, whatever is there now is taken as the agent's own.
    /// </summary>
    private void Verify(bool requireQuiet = true)
    {
        var generation = kernel.Generation();
        if (requireQuiet && generation is not null && generation != _generation)
        {
            return;
        }

        var fingerprints = kernel.Fingerprints();
        var after = kernel.Generation();
        if (requireQuiet && after != generation)
        {
            return;
        }

        _fingerprint = fingerprints?.Structure;
        _content = fingerprints?.Content;
        _generation = after;
        _written.Save(new WrittenTable(_fingerprint, _generation));
    }

    /// <summary>Whether the table in the kernel is still the one this agent last wrote.</summary>
    private TableState Check()
    {
        var generation = kernel.Generation();
        if (generation is not null && generation == _generation)
        {
            return TableState.Ours;
        }

        var now = kernel.Fingerprints();
        if (now is null)
        {
            return TableState.Gone;
        }

        if (_fingerprint is not null && now.Structure != _fingerprint)
        {
            return TableState.Changed;
        }

        if (_fingerprint is null || _content is null)
        {
            if (generation is not null)
            {
                return TableState.Unverified;
            }

            // No generation to prove anything with: take the table as it is, as every check did before generations.
            Verify(requireQuiet: false);
            return TableState.Ours;
        }

        if (now.Content != _content)
        {
            return TableState.Changed;
        }

        // Someone committed elsewhere (another table, or a MAC pinhole set): the table is intact, so the next check
        // starts from here.
        _generation = generation;
        return TableState.Ours;
    }

    /// <summary>
    /// A router forwards: the applied config means nothing with <c>net.ipv4.ip_forward</c> at 0. With IPv6 on, IPv6
    /// forwarding too — after the WAN link (when named exactly, not a pattern like <c>ppp*</c>) is told to keep
    /// accepting router advertisements, which a forwarding link otherwise ignores, so the router keeps its own WAN
    /// autoconfiguration. With IPv6 off, IPv6 forwarding is left as it is: the ruleset forwards no IPv6 then.
    /// </summary>
    private void EnsureForwarding(GatewayConfig config)
    {
        try
        {
            if (kernel.EnableIpv4Forwarding())
            {
                LogForwardingOn("IPv4", "net.ipv4.ip_forward");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogForwardingFailed("IPv4", ex.Message);
        }

        if (!config.Network.Ipv6Enabled)
        {
            return;
        }

        var wan = config.Network.WanInterface;
        if (!wan.EndsWith('*') && kernel.LinkExists(wan))
        {
            try
            {
                if (kernel.KeepAcceptingRouterAdvertisements(wan))
                {
                    LogAcceptRa(wan);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogForwardingFailed($"router advertisements on {wan}", ex.Message);
            }
        }

        try
        {
            if (kernel.EnableIpv6Forwarding())
            {
                LogForwardingOn("IPv6", "net.ipv6.conf.all.forwarding");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogForwardingFailed("IPv6", ex.Message);
        }
    }

    /// <summary>The counters a compiled table of <paramref name="config"/> declares: its rules' and the log counters.</summary>
    private static List<int> RuleIds(GatewayConfig? config) =>
        config is null ? [] : [.. config.Rules.Where(r => r.Id > 0).Select(r => r.Id).Distinct(), .. RuleCounters.LogIds];

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

    /// <summary>
    /// The ct marks (<see cref="CtMarks"/>) whose connections must go after moving from <paramref name="previous"/>
    /// to <paramref name="next"/>: forwards, 1:1 entries, redirects, IPv6 pinholes, policy routes and input/forward
    /// accept rules that were enabled and are now removed, disabled, or changed in a way packets see. A policy route
    /// whose slot moved counts as changed (its table, rule and packet mark are the slot's number). A rule's rate is
    /// about new connections, so changing it alone cuts nothing.
    /// </summary>
    public static IReadOnlyList<uint> StaleMarks(GatewayConfig? previous, GatewayConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous is null)
        {
            return [];
        }

        var marks = StaleForwardIds(previous, next).Select(CtMarks.PortForward).ToList();
        marks.AddRange(Stale(previous.OneToOne, next.OneToOne, o => o.Enabled, o => o.Id, o => o with { Name = string.Empty }).Select(CtMarks.OneToOne));
        marks.AddRange(Stale(previous.Redirects, next.Redirects, r => r.Enabled, r => r.Id, r => r with { Name = string.Empty }).Select(CtMarks.Redirect));
        marks.AddRange(Stale(previous.Pinholes, next.Pinholes, p => p.Enabled, p => p.Id, p => p with { Name = string.Empty }).Select(CtMarks.Pinhole));
        marks.AddRange(Stale(Slotted(previous), Slotted(next), _ => true, p => p.Route.Id, p => (p.Route with { Name = string.Empty }, p.Slot)).Select(CtMarks.PolicyRoute));
        marks.AddRange(Stale(MarkingRules(previous), MarkingRules(next), r => r.Enabled, r => r.Id, r => r with { Name = string.Empty, LogLevel = null, Limit = null }).Select(CtMarks.Rule));
        return marks;
    }

    /// <summary>The rules whose accepted connections carry their mark (RulesetCompiler.MarksConnections).</summary>
    private static IEnumerable<TrafficRule> MarkingRules(GatewayConfig config) =>
        config.Rules.Where(r => r.Action == RuleAction.Accept && r.Chain != RuleChain.Output);

    private static List<(PolicyRoute Route, int Slot)> Slotted(GatewayConfig config) =>
        [.. config.PolicyRoutes.Where(r => r.Enabled).OrderBy(r => r.Id).Select((r, slot) => (r, slot))];

    private static IEnumerable<int> Stale<T, TShape>(IEnumerable<T> before, IEnumerable<T> after, Func<T, bool> enabled, Func<T, int> id, Func<T, TShape> shape)
    {
        var now = after.Where(e => enabled(e) && id(e) > 0).GroupBy(id).ToDictionary(g => g.Key, g => shape(g.First()));
        foreach (var old in before.Where(e => enabled(e) && id(e) > 0))
        {
            if (!now.TryGetValue(id(old), out var current) || !EqualityComparer<TShape>.Default.Equals(current, shape(old)))
            {
                yield return id(old);
            }
        }
    }

    private void CloseStaleConnections(GatewayConfig? previous, GatewayConfig next)
    {
        var stale = StaleMarks(previous, next);
        if (stale.Count == 0)
        {
            return;
        }

        try
        {
            kernel.DeleteConnectionsByMark(stale);

            // A restore retires every forward's mark: name a few, count the rest, rather than log 10,000 of them.
            var named = string.Join(",", stale.Take(8).Select(m => "0x" + m.ToString("x", System.Globalization.CultureInfo.InvariantCulture)));
            LogClosed(stale.Count > 8 ? $"{named} and {stale.Count - 8} more" : named);
        }
        catch (NetlinkException ex)
        {
            LogCloseFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied revision {Revision} in {DurationMs:F1} ms (validate+compile {CompileMs:F1} ms, libnftables {KernelMs:F1} ms, table {How}, {Kib} KiB)")]
    private partial void LogApplied(long revision, double durationMs, double compileMs, double kernelMs, string how, int kib);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kernel refused the element update of revision {Revision} ({Error}); replacing the whole table")]
    private partial void LogElementUpdateFailed(long revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected revision {Revision}: {Errors}")]
    private partial void LogRejected(long revision, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "The kernel refused revision {Revision}: {Error}")]
    private partial void LogKernelRefused(long revision, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored last-good revision {Revision} in {DurationMs:F1} ms")]
    private partial void LogRestored(long revision, double durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restore last-good revision {Revision}: {Error}")]
    private partial void LogRestoreFailed(long revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lockdown table applied (uplinks: {Uplinks}): nothing is forwarded and the router answers only on other links until a config is applied")]
    private partial void LogLockdown(string uplinks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not apply the lockdown table: {Error}")]
    private partial void LogLockdownFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "No last-good state at {Path}; waiting for the first apply")]
    private partial void LogNoState(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Last-good state {Path} is unreadable: {Error}")]
    private partial void LogStateUnreadable(string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write last-good state {Path}: {Error}")]
    private partial void LogStateWriteFailed(string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed connections of changed or removed entries with ct marks {Marks}")]
    private partial void LogClosed(string marks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete conntrack entries: {Error}")]
    private partial void LogCloseFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turned on {Family} forwarding ({Sysctl} was 0)")]
    private partial void LogForwardingOn(string family, string sysctl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set net.ipv6.conf.{Link}.accept_ra to 2: the WAN keeps accepting router advertisements while the router forwards IPv6")]
    private partial void LogAcceptRa(string link);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not turn on {What} forwarding: {Error}")]
    private partial void LogForwardingFailed(string what, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift: {What} by someone else; re-applied: {Repaired}")]
    private partial void LogDrift(string what, bool repaired);

    /// <summary>How far the table in the kernel may be trusted by an apply.</summary>
    private enum Trust
    {
        /// <summary>Not at all: replace it, and carry over only the counter values already reported.</summary>
        None,

        /// <summary>Its rule counters are this agent's (same objects), but it is rebuilt.</summary>
        Counters,

        /// <summary>It is exactly what this agent wrote: element updates may start from it.</summary>
        Whole,
    }

    /// <summary>What a check found in the kernel.</summary>
    private enum TableState
    {
        Ours,
        Gone,
        Changed,

        /// <summary>Something committed after the agent's write and before it could fingerprint the table.</summary>
        Unverified,
    }
}
