using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Shared.Protocol;
using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// Runs one change in one SQLite transaction. The transaction is BEGIN IMMEDIATE (Microsoft.Data.Sqlite's
/// default), so checks such as "overlaps an enabled forward" and the write they guard can't interleave with
/// another writer. A successful desired-state change bumps the revision in the same transaction and then
/// tells the agent link, after commit, so the agent never sees a revision that might roll back.
/// </summary>
public sealed class StateWriter(IDbContextFactory<GatewayDbContext> factory, AgentLink link, Confirm.ApplyConfirmation? confirmation = null)
{
    /// <summary>Items whose worst-case JSON (under 1 KiB each, a rule included) always fits one frame.</summary>
    private const int SafeItemCount = 16384;

    public async Task<Outcome<T>> WriteAsync<T>(
        Func<GatewayDbContext, CancellationToken, Task<Outcome<T>>> change,
        CancellationToken cancellationToken,
        bool desiredState = true,
        bool risky = false)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Commit-confirmed apply: the panel's writes are compared with what they change (risky or not).
        var before = desiredState && confirmation is not null ? await confirmation.BeforeAsync(db, cancellationToken) : null;
        var outcome = await change(db, cancellationToken);
        if (!outcome.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            return outcome;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (desiredState)
        {
            if (await TooLargeForTheAgentAsync(db, cancellationToken) is { } tooLarge)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Outcome<T>.Invalid("body", tooLarge);
            }

            if (await LocksOutTheLanAsync(db, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return Outcome<T>.Conflict(ConfigValidator.AllowListLockoutMessage);
            }

            await db.Revision.ExecuteUpdateAsync(s => s.SetProperty(r => r.DesiredRevision, r => r.DesiredRevision + 1), cancellationToken);
            if (confirmation is not null)
            {
                await confirmation.StampAsync(db, before, risky, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        if (desiredState)
        {
            link.NotifyChanged();
        }

        return outcome;
    }

    /// <summary>
    /// The whole desired state travels to the agent as one frame (at most <see cref="Framing.MaxFrameBytes"/>).
    /// Item counts alone don't bound it: a 64-character name of emoji is 384 bytes once JSON-escaped. A state
    /// that can't be sent would be stored but never applied, and the link would reconnect forever trying, so
    /// such a write is refused. Below <see cref="SafeItemCount"/> items even worst-case text fits, so the
    /// serialisation is only paid for near the limits.
    /// </summary>
    private static async Task<string?> TooLargeForTheAgentAsync(GatewayDbContext db, CancellationToken ct)
    {
        var items = await db.PortForwards.CountAsync(ct) + await db.MacFilters.CountAsync(ct) + await db.Rules.CountAsync(ct)
            + await db.OneToOne.CountAsync(ct) + await db.Redirects.CountAsync(ct) + await db.PolicyRoutes.CountAsync(ct);
        if (items <= SafeItemCount)
        {
            return null;
        }

        var config = await ConfigService.ReadConfigAsync(db, ct);
        if (config is null)
        {
            return null;
        }

        var bytes = AgentProtocol.Serialize(new ApplyRequest(long.MaxValue, config)).Length;
        return bytes <= Framing.MaxFrameBytes
            ? null
            : $"The configuration would be {bytes / 1024 / 1024} MiB for the agent, over its {Framing.MaxFrameBytes / 1024 / 1024} MiB limit: use fewer or shorter-named port forwards, MAC filters or traffic rules.";
    }

    /// <summary>
    /// No lock-outs: whatever the write (setting the mode, disabling or deleting the last entry), the
    /// stored state may not be allow-listed with no enabled MAC, which would drop every LAN device.
    /// </summary>
    private static async Task<bool> LocksOutTheLanAsync(GatewayDbContext db, CancellationToken ct) =>
        await db.MacPolicy.AnyAsync(p => p.Mode == MacFilterMode.AllowListed, ct)
        && !await db.MacFilters.AnyAsync(m => m.Enabled, ct);

    public async Task<T> ReadAsync<T>(Func<GatewayDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await read(db, cancellationToken);
    }
}
