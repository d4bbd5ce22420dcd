using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Confirm;

/// <summary>
/// Per scope (a REST request, a panel circuit, the revert recorder): decides whether the desired-state write in this
/// scope is applied with a rollback timer, and records that with the revision (<c>Revision.ConfirmRevision</c> and
/// <c>ConfirmSeconds</c>) in the write's own transaction, so the agent link sends it with the revision that carries it.
/// </summary>
public sealed class ApplyConfirmation(IOptions<ApplyOptions> options)
{
    public ConfirmSource Source { get; private set; } = ConfirmSource.Panel;

    /// <summary>The window a REST request asked for with <c>?confirm=</c>; null for none.</summary>
    public int? RestSeconds { get; private set; }

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
        if (seconds is { } window)
        {
            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmRevision, r => r.DesiredRevision).SetProperty(r => r.ConfirmSeconds, window), ct);
        }
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
