using Gateway.Web.Data;
using Gateway.Web.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Confirm;

/// <summary>
/// Per scope (a REST request, a panel circuit, the revert recorder): decides whether the desired-state write in this
/// scope is applied with a rollback timer, and records that with the revision (<c>Revision.ConfirmRevision</c> and
/// <c>ConfirmSeconds</c>) in the write's own transaction, so the agent link sends it with the revision that carries it.
/// A write without a window inside a pending trial confirms that trial first (as a plain commit after JunOS's
/// <c>commit confirmed</c>): nothing that got a 2xx is undone behind its writer's back. The agent does the confirming
/// when the plain revision reaches it; here the write learns which trial it confirmed (<see cref="ConfirmedTrial"/>),
/// and a trial stamped but not yet sent loses its window, so the link does not send the plain write inside one.
/// </summary>
public sealed class ApplyConfirmation(IOptions<ApplyOptions> options, ConfirmState? pending = null, AppliedState? applied = null)
{
    /// <summary>Response header of a REST write that confirmed a pending trial: the trial's revision.</summary>
    public const string ConfirmedTrialHeader = "Gateway-Confirmed-Trial";

    public ConfirmSource Source { get; private set; } = ConfirmSource.Panel;

    /// <summary>The window a REST request asked for with <c>?confirm=</c>; null for none.</summary>
    public int? RestSeconds { get; private set; }

    /// <summary>After this scope's last desired-state write: the trial revision it confirmed, or null.</summary>
    public long? ConfirmedTrial { get; private set; }

    /// <summary>Raised (in the writer's scope, after the commit) when a write confirmed a pending trial: the panel says so.</summary>
    public event Action<long>? TrialConfirmed;

    public void FromRest(int? seconds) => (Source, RestSeconds) = (ConfirmSource.Rest, seconds);

    public void ForRevert() => (Source, RestSeconds) = (ConfirmSource.Revert, null);

    /// <summary>What the write will be compared with: read before the change, in its transaction.</summary>
    public sealed record Before(string? Risky);

    /// <summary>Reads the risky part before a panel write (REST and reverts need no comparison).</summary>
    public async Task<Before?> BeforeAsync(GatewayDbContext db, CancellationToken ct) =>
        Source == ConfirmSource.Panel ? new Before(await RiskyState.ReadAsync(db, ct)) : null;

    /// <summary>
    /// After the revision was bumped, in the same transaction: stamps the new revision with the window it asked for.
    /// A panel write gets one when <paramref name="risky"/> (a restore) or when it changed the risky part; never before
    /// setup. A write without a window leaves an earlier, not yet sent request alone (the link sends it with this one).
    /// </summary>
    public async Task StampAsync(GatewayDbContext db, Before? before, bool risky, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Source == ConfirmSource.Revert)
        {
            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmRevision, (long?)null).SetProperty(r => r.ConfirmSeconds, (int?)null), ct);
            return;
        }

        int? seconds = Source == ConfirmSource.Rest
            ? RestSeconds
            : before?.Risky is { } old && (risky || old != await RiskyState.ReadAsync(db, ct)) ? options.Value.ConfirmSeconds : null;
        ConfirmedTrial = null;
        if (seconds is { } window)
        {
            // Inside a pending window this extends it (the agent folds it in and restarts the deadline; the restore
            // point stays the state before the first trial write).
            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmRevision, r => r.DesiredRevision).SetProperty(r => r.ConfirmSeconds, window), ct);
            return;
        }

        ConfirmedTrial = await ConfirmsTrialAsync(db, ct);
    }

    /// <summary>Tells this scope's listeners that its last write confirmed a trial; call after the commit.</summary>
    public void Committed()
    {
        if (ConfirmedTrial is { } trial)
        {
            TrialConfirmed?.Invoke(trial);
        }
    }

    /// <summary>
    /// A plain write: the trial it confirms — one stamped but not yet applied (its window is dropped here, so it is
    /// never opened), else the window the agent has open (the agent closes it when this revision arrives) — or null.
    /// </summary>
    private async Task<long?> ConfirmsTrialAsync(GatewayDbContext db, CancellationToken ct)
    {
        var row = await db.Revision.AsNoTracking().SingleAsync(ct);
        long? unsent = row.ConfirmRevision is { } asked && asked > (applied?.AppliedRevision ?? 0) ? asked : null;
        if (row.ConfirmRevision is not null)
        {
            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmRevision, (long?)null).SetProperty(r => r.ConfirmSeconds, (int?)null), ct);
        }

        // The newest trial revision: an unsent extension covers the open window too.
        return unsent ?? pending?.Pending?.Revision;
    }

    /// <summary>
    /// The window to send with <paramref name="revision"/>: the stamped one when this revision carries the write that
    /// asked (stamped at or before it) and the agent has not applied that write yet (<paramref name="applied"/> is
    /// older); else null.
    /// </summary>
    public static async Task<int?> SecondsForAsync(GatewayDbContext db, long revision, long applied, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Revision.AsNoTracking().SingleAsync(ct);
        return row.ConfirmRevision is { } asked && asked <= revision && asked > applied ? row.ConfirmSeconds : null;
    }
}
