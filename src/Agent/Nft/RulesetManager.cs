using System.Diagnostics;
using Gateway.Agent.Lan;
using Gateway.Agent.Memory;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// The one place that changes the kernel: validate → check the LAN link → compile → move the kernel to the new
/// table → follow with routing and LAN services → close stale connections → turn forwarding on → fill the pinhole
/// sets → remember the snapshot. A change that only adds, removes or edits set/map elements (<see cref="TableDelta"/>)
/// goes to the kernel as element updates in one transaction; anything structural, the first apply, a restore, a
/// drift repair, a table the agent can't vouch for, or a refused element update replaces the whole table (carrying
/// the rule counters over). Applies, restores, lockdowns, drift repairs and counter samples are serialised by one
/// gate; in-memory state changes only after the kernel accepted the ruleset. The routing state beyond the table
/// (1:1 addresses, policy rules and routes) follows every apply, lockdown and drift pass through
/// <paramref name="routing"/> (absent in tests that only look at the table); the MAC pinhole sets are filled after
/// every apply and kept current between applies through <paramref name="pinholes"/>. Each job beside the sequence
/// has its own type: <see cref="WrittenTableWatch"/>, <see cref="LockdownTable"/>, <see cref="ForwardingSysctls"/>,
/// <see cref="StaleConnections"/>, <see cref="CounterSampling"/>, <see cref="PinholeFill"/>.
/// </summary>
public sealed partial class RulesetManager
{
    private readonly IRulesetKernel _kernel;
    private readonly LastGoodStore _store;
    private readonly ILogger<RulesetManager> _logger;
    private readonly RoutingReconciler? _routing;
    private readonly ManagedDaemons? _daemons;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WrittenTableWatch _watch;
    private readonly LockdownTable _lockdown;
    private readonly ForwardingSysctls _forwarding;
    private readonly StaleConnections _staleConnections;
    private readonly CounterSampling _counters;
    private readonly QuotaSampling _quotas;
    private readonly PinholeFill _pinholes;
    private readonly MirrorSync? _mirrors;
    private readonly HeapTrim? _heapTrim;
    private LastGood? _current;

    // The compiled table in the kernel now (null in lockdown and before the first apply): what element updates start from.
    private CompiledTable? _compiled;

    // A last-good snapshot that could not be restored at boot because its LAN link was missing yet.
    private LastGood? _pendingRestore;

    // Set by a whole-table replace: the memory it left is to be given back once the apply has returned.
    private bool _trimOwed;

    // True from a start without last-good state (setup not done) until the first apply: the first-boot LAN is served.
    private bool _neverSetUp;

    public RulesetManager(IRulesetKernel kernel, LastGoodStore store, ILogger<RulesetManager> logger, RoutingReconciler? routing = null, PinholeSync? pinholes = null, ManagedDaemons? daemons = null, MirrorSync? mirrors = null, HeapTrim? heapTrim = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _kernel = kernel;
        _store = store;
        _logger = logger;
        _routing = routing;
        _daemons = daemons;
        _watch = new WrittenTableWatch(kernel, new FingerprintFile(Path.GetDirectoryName(store.FilePath)!));
        _lockdown = new LockdownTable(kernel, logger, routing, daemons, pinholes);
        _forwarding = new ForwardingSysctls(kernel, logger);
        _staleConnections = new StaleConnections(kernel, logger);
        _counters = new CounterSampling(kernel);
        _quotas = new QuotaSampling(kernel);
        _pinholes = new PinholeFill(pinholes, _watch);
        _mirrors = mirrors;
        _heapTrim = heapTrim;
    }

    /// <summary>Revision in the kernel now (0 before the first successful apply).</summary>
    public long AppliedRevision => Volatile.Read(ref _current)?.Revision ?? 0;

    /// <summary>The snapshot in the kernel now, if any.</summary>
    public GatewayConfig? AppliedConfig => Volatile.Read(ref _current)?.Config;

    /// <summary>True while the lockdown table is in the kernel (no snapshot could be applied yet).</summary>
    public bool InLockdown => _lockdown.Active;

    /// <summary>The first-boot link and address while the agent serves them (setup not done); null otherwise.</summary>
    public FirstBootLan? FirstBootLan => Volatile.Read(ref _neverSetUp) && _current is null ? _daemons?.FirstBoot : null;

    /// <summary>Addresses the agent put on links for 1:1 NAT and holds now.</summary>
    public IReadOnlyList<string> AgentAddresses => _routing?.AgentAddresses ?? [];

    /// <summary>The agent's ip rules, routes and addresses as text for the ruleset view (empty without any).</summary>
    public Task<string> DescribeRoutingAsync(CancellationToken cancellationToken = default) =>
        _routing is null ? Task.FromResult(string.Empty) : GatedAsync(() => _routing.Describe(), cancellationToken);

    /// <summary>
    /// Applies <paramref name="config"/> as <paramref name="revision"/> and, on success, persists it as the last-good
    /// state: journalled when it came as a delta (<paramref name="origin"/>) over the state on disk, else whole.
    /// </summary>
    public Task<AppliedEvent> ApplyAsync(long revision, GatewayConfig? config, DeltaOrigin? origin = null, CancellationToken cancellationToken = default) =>
        GatedAsync(
            () =>
            {
                // Element updates and the kernel's counters are trusted only while the table is still the one this
                // agent wrote (the drift watcher looks every few seconds; this closes the window in between).
                var trust = !_lockdown.Active && _watch.HasWritten ? _watch.Check() : TableState.Changed;
                var applied = Apply(revision, config, persist: true, trust == TableState.Ours ? Trust.Whole : Trust.None, origin);
                TrimOwed(revision);
                return applied;
            },
            cancellationToken);

    /// <summary>
    /// After a whole-table replace, gives back what libnftables' parse left in malloc (~60–80 MB freed but resident at
    /// 10k items) and the garbage of the previous config, before the reply leaves rather than at the trimmer's next
    /// tick (docs/performance.md). Called once <see cref="Apply"/> has returned, so its locals (the previous snapshot,
    /// the table text) are no longer referenced and the compacting GC frees them too.
    /// </summary>
    private void TrimOwed(long revision)
    {
        if (!_trimOwed || _heapTrim is null)
        {
            return;
        }

        _trimOwed = false;
        var clock = Stopwatch.StartNew();
        if (_heapTrim.IfGrown() is { } trimmed)
        {
            LogTrimmed(revision, trimmed.Before >> 20, trimmed.After >> 20, clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Re-applies the stored last-good state (the snapshot and the journal's chain of deltas over it, folded into a new
    /// snapshot when there was a journal); called at start-up before the socket opens. Without one (first
    /// boot), with an unreadable one, or when it can't be applied, the lockdown table replaces whatever
    /// <c>table inet gateway</c> is in the kernel: a table this agent did not write is never trusted.
    /// </summary>
    /// <returns>False when there was a snapshot but it could not be applied.</returns>
    public bool RestoreLastGood()
    {
        _gate.Wait();
        try
        {
            LastGoodRecovery recovery;
            try
            {
                recovery = _store.Recover();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                LogStateUnreadable(_store.FilePath, ex.Message);
                Lockdown();
                return false;
            }

            var stored = recovery.State;
            if (recovery.JournalFound && stored is not null)
            {
                LogJournalReplayed(stored.Revision, recovery.SnapshotRevision, recovery.Replayed, recovery.Ignored ?? "nothing");

                // Compaction at start: the journal may end in a torn record, which must never be appended to.
                Persist(stored, origin: null);
            }

            if (stored is null)
            {
                // First boot: nothing may be forwarded, nor reach the router from the uplink, before setup.
                LogNoState(_store.FilePath);
                Volatile.Write(ref _neverSetUp, true);
                Lockdown();
                return true;
            }

            // Counters carry over only from the very table the previous run wrote (same handles, same contents).
            var trust = _watch.WrittenByPreviousRun() ? Trust.Counters : Trust.None;
            var result = Apply(stored.Revision, stored.Config, persist: false, trust);
            TrimOwed(stored.Revision);
            if (result.Ok)
            {
                LogRestored(stored.Revision, result.DurationMs);
                return true;
            }

            LogRestoreFailed(stored.Revision, result.Error ?? string.Empty);
            if (!_kernel.LinkExists(stored.Config.Network.LanInterface))
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
    /// Brings the MAC pinhole sets of the applied config up to the neighbour table (<see cref="PinholeSync"/>); does
    /// nothing in lockdown or before the first apply. Serialised with applies, so it never writes into a table being
    /// replaced.
    /// </summary>
    public Task SyncPinholesAsync(bool full, CancellationToken cancellationToken = default) =>
        !_pinholes.Enabled
            ? Task.CompletedTask
            : GatedAsync(
                () =>
                {
                    if (_current is { } current && !_lockdown.Active)
                    {
                        _pinholes.BetweenWrites(current.Config, full);
                    }

                    return true;
                },
                cancellationToken);

    /// <summary>
    /// The rule counters now, clamped so no rule's count ever goes down as the web sees it, and the log lines the
    /// shared limit suppressed (null while no applied table is in).
    /// </summary>
    public Task<CountersSample> SampleCountersAsync(CancellationToken cancellationToken = default) =>
        GatedAsync(() => _counters.Sample(_current?.Config) with { Quotas = _quotas.Sample(_current?.Config) }, cancellationToken);

    private async Task<T> GatedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces whatever table is in the kernel with the lockdown (<see cref="LockdownTable"/>).</summary>
    private bool Lockdown()
    {
        var firstBoot = FirstBootLan;
        if (!_lockdown.Write(firstBoot))
        {
            return false;
        }

        Volatile.Write(ref _current, null);
        _compiled = null;
        _watch.Wrote(rebuilt: true);
        _lockdown.Settle(firstBoot);
        return true;
    }

    private AppliedEvent Apply(long revision, GatewayConfig? config, bool persist, Trust trust, DeltaOrigin? origin = null)
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
        if (!_kernel.LinkExists(lan))
        {
            var missing = $"The LAN interface {lan} does not exist: applying would close the router to the LAN.";
            LogRejected(revision, missing);
            return new AppliedEvent(revision, false, missing, clock.Elapsed.TotalMilliseconds);
        }

        // Accounts are looked up now, not when the rule was written: one deleted since fails this apply, by name.
        var accounts = RuleAccounts.Resolve(config, _kernel.UserId, _kernel.GroupId, out var accountError);
        if (accounts is null)
        {
            LogRejected(revision, accountError!);
            return new AppliedEvent(revision, false, accountError, clock.Elapsed.TotalMilliseconds);
        }

        // The agent repeats the web's bridge-port check: copies into a port of the mirrored bridge would loop.
        var mirrorLinks = _mirrors is null ? [] : MirrorSync.Links(config);
        if (_mirrors is not null && MirrorSync.Loop(config, mirrorLinks) is { } loop)
        {
            LogRejected(revision, loop);
            return new AppliedEvent(revision, false, $"Invalid configuration: {loop}", clock.Elapsed.TotalMilliseconds);
        }

        CompiledTable compiled;
        try
        {
            compiled = RulesetCompiler.CompileTable(config, accounts);
        }
        catch (ArgumentException ex)
        {
            return new AppliedEvent(revision, false, $"Invalid configuration: {ex.Message}", clock.Elapsed.TotalMilliseconds);
        }

        var compiledAt = clock.Elapsed.TotalMilliseconds;
        var ids = CounterSampling.Ids(config);
        var delta = trust == Trust.Whole && !_lockdown.Active && _current is not null && _compiled is { } before
            ? TableDelta.Between(before, compiled)
            : null;
        var how = "replaced";
        if (delta is not null && !delta.IsEmpty)
        {
            var updated = _kernel.UpdateElements(delta.Script);
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
        IReadOnlyDictionary<int, long>? quotasCarried = null;
        var quotaIds = QuotaSampling.Ids(config);
        var size = 0;
        if (delta is null)
        {
            carried = _counters.CarryOver(ids, trusted: trust != Trust.None);
            quotasCarried = _quotas.CarryOver(quotaIds, trusted: trust != Trust.None);
            var table = compiled.Text(carried, quotasCarried);
            size = table.Length;
            var result = _kernel.Replace(table);
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
        _lockdown.Left();
        _pendingRestore = null;
        _compiled = compiled;
        if (carried is not null)
        {
            // A new table: its counters start from the carried values. Element updates leave the counters counting.
            _counters.Started(ids, carried);
            _quotas.Started(quotaIds, quotasCarried!);
        }

        Volatile.Write(ref _neverSetUp, false);
        _routing?.Reconcile(applied.Config);
        _daemons?.Serve(applied.Config);
        _staleConnections.Close(previous?.Config, applied.Config);
        _forwarding.Ensure(applied.Config);
        _mirrors?.Sync(applied.Config, mirrorLinks);

        // A rebuilt table's MAC pinhole sets are empty: fill them from the neighbour table now. Element updates
        // leave them as they were, so only what changed (a new or re-targeted pinhole) is written.
        if (delta is { IsEmpty: true })
        {
            _pinholes.BetweenWrites(applied.Config, full: false);
        }
        else
        {
            _pinholes.WithWrite(applied.Config, rebuilt: delta is null);
            _watch.Wrote(rebuilt: delta is null);
        }

        if (persist)
        {
            Persist(applied, origin);
        }

        _trimOwed |= delta is null;
        LogApplied(revision, clock.Elapsed.TotalMilliseconds, compiledAt, kernelMs, how, size / 1024);
        return new AppliedEvent(revision, true, null, clock.Elapsed.TotalMilliseconds);
    }

    private void Persist(LastGood state, DeltaOrigin? origin)
    {
        try
        {
            _store.Save(state, origin);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The kernel has the rules; only the boot-time restore is at risk, so report but keep going.
            LogStateWriteFailed(_store.FilePath, ex.Message);
        }
    }

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
}
