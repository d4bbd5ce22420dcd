using Gateway.Web.Confirm;
using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// The apply pump's view of the database: <see cref="DesiredStateCache"/>'s snapshot (kept in memory, re-read in a
/// deferred transaction — a WAL snapshot that never takes SQLite's write lock — only for the tables written since),
/// and the commit-confirmed window stamped on the revision.
/// </summary>
public sealed class DesiredStateSource(IDbContextFactory<GatewayDbContext> factory, DesiredStateCache cache) : IDesiredStateSource
{
    public async Task<DesiredSnapshot?> ReadAsync(long appliedRevision, CancellationToken ct)
    {
        if (await cache.SnapshotAsync(ct) is not { } snapshot)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var seconds = await ApplyConfirmation.SecondsForAsync(db, snapshot.Revision, appliedRevision, ct);
        return new DesiredSnapshot(snapshot.Revision, snapshot.Config, seconds);
    }
}
