using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// Runs one change in one SQLite transaction. The transaction is BEGIN IMMEDIATE (Microsoft.Data.Sqlite's
/// default), so checks such as "overlaps an enabled forward" and the write they guard can't interleave with
/// another writer. A successful desired-state change bumps the revision in the same transaction and then
/// tells the agent link, after commit, so the agent never sees a revision that might roll back.
/// </summary>
public sealed class StateWriter(IDbContextFactory<GatewayDbContext> factory, AgentLink link)
{
    public async Task<Outcome<T>> WriteAsync<T>(
        Func<GatewayDbContext, CancellationToken, Task<Outcome<T>>> change,
        CancellationToken cancellationToken,
        bool desiredState = true)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcome = await change(db, cancellationToken);
        if (!outcome.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            return outcome;
        }

        if (desiredState)
        {
            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.DesiredRevision, r => r.DesiredRevision + 1), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (desiredState)
        {
            link.NotifyChanged();
        }

        return outcome;
    }

    public async Task<T> ReadAsync<T>(Func<GatewayDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await read(db, cancellationToken);
    }
}
