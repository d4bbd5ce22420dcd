using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Shared.Protocol;
using Gateway.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// Runs one change in one SQLite transaction, one writer at a time in arrival order (<see cref="WriteGate"/>), so
/// checks such as "overlaps an enabled forward" and the write they guard can't interleave with another writer, and
/// no writer waits on SQLite's busy retry. A successful desired-state change bumps the revision in the same
/// transaction, publishes the tables it wrote to <see cref="DesiredStateCache"/> just before the commit, and tells
/// the <see cref="ApplyPump"/> after it (the one part of the agent link a write needs), so the agent never sees a revision that might roll back.
/// </summary>
public sealed class StateWriter(
    IDbContextFactory<GatewayDbContext> factory,
    ApplyPump pump,
    WriteGate gate,
    DesiredStateCache cache,
    Confirm.ApplyConfirmation? confirmation = null)
{
    /// <summary>Items whose worst-case JSON (under 1 KiB each, a rule included) always fits one frame.</summary>
    private const int SafeItemCount = 16384;

    /// <summary>
    /// A bound on one list item's agent JSON apart from its text columns: property names, numbers, booleans, nulls,
    /// enum names and punctuation (StateWriterBoundTests holds each against the widest item).
    /// </summary>
    internal static int ItemBytesBesidesText(Type entity) => entity.Name switch
    {
        nameof(Data.Entities.MacFilterEntity) => 128,
        nameof(Data.Entities.RuleEntity) => 768,
        _ => 512,
    };

    /// <summary>A bound on everything in the frame that is not a list item: the envelope and the single settings.</summary>
    internal const int FixedBytes = 64 * 1024;

    public async Task<Outcome<T>> WriteAsync<T>(
        Func<GatewayDbContext, CancellationToken, Task<Outcome<T>>> change,
        CancellationToken cancellationToken,
        bool desiredState = true,
        bool risky = false) =>
        await WriteAsync(change, cancellationToken, desiredState, wholeState: null, risky);

    /// <param name="wholeState">For a change that writes the whole desired state: that state, from the change's value,
    /// so the snapshot after the commit is not read back.</param>
    /// <param name="row">For a change whose only write to its list's table is this one row (inserted, updated or
    /// deleted): the row, so the cached list is patched instead of read back whole.</param>
    internal async Task<Outcome<T>> WriteAsync<T>(
        Func<GatewayDbContext, CancellationToken, Task<Outcome<T>>> change,
        CancellationToken cancellationToken,
        bool desiredState,
        Func<T, GatewayConfig>? wholeState,
        bool risky = false,
        Func<T, RowChange>? row = null)
    {
        using (await gate.EnterAsync(cancellationToken))
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
            long revision = 0;
            Action? undo = null;
            Action<long>? patch = null;
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
                revision = await db.Revision.Select(r => r.DesiredRevision).SingleAsync(cancellationToken);
                if (confirmation is not null)
                {
                    await confirmation.StampAsync(db, before, risky, cancellationToken);
                }

                patch = row is null ? null : cache.PreparePatch(db, row(outcome.Value!));
                undo = cache.Publish(db.WrittenTables, revision);
            }

            try
            {
                await transaction.CommitAsync(cancellationToken);
            }
            catch
            {
                undo?.Invoke();
                throw;
            }

            if (desiredState)
            {
                cache.Committed(revision);
                confirmation?.Committed();
                patch?.Invoke(revision);
                if (wholeState is not null)
                {
                    cache.Seed(revision, wholeState(outcome.Value!));
                }

                pump.NotifyChanged();
            }

            return outcome;
        }
    }

    /// <summary>
    /// The whole desired state travels to the agent as one frame (at most <see cref="Framing.MaxFrameBytes"/>).
    /// Item counts alone don't bound it: a 64-character name of emoji is 384 bytes once JSON-escaped. A state
    /// that can't be sent would be stored but never applied, and the link would reconnect forever trying, so
    /// such a write is refused. Below <see cref="SafeItemCount"/> items even worst-case text fits; above, a bound
    /// from the stored text lengths (every UTF-8 byte escaped to at most six) answers without reading the rows
    /// back, and only a state near the limit is serialised to measure it.
    /// </summary>
    private static async Task<string?> TooLargeForTheAgentAsync(GatewayDbContext db, CancellationToken ct)
    {
        var tables = DesiredStateCache.ListEntities.Select(t => db.Model.FindEntityType(t)!).ToList();
        var items = await ScalarAsync(db, "SELECT " + string.Join(" + ", tables.Select(t => $"(SELECT count(*) FROM \"{t.GetTableName()}\")")), ct);
        if (items <= SafeItemCount)
        {
            return null;
        }

        var bound = FixedBytes + await ScalarAsync(db, "SELECT " + string.Join(" + ", tables.Select(BoundSql)), ct);
        if (bound <= Framing.MaxFrameBytes)
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

    /// <summary>One table's worst case: a fixed share per row plus each text column's UTF-8 bytes, all escaped, with quotes.</summary>
    private static string BoundSql(Microsoft.EntityFrameworkCore.Metadata.IEntityType type)
    {
        var table = type.GetTableName()!;
        var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, type.GetSchema());
        var text = type.GetProperties()
            .Where(p => (p.GetTypeMapping().Converter?.ProviderClrType ?? p.ClrType) == typeof(string))
            .Select(p => $"6 * coalesce(length(CAST(\"{p.GetColumnName(store)}\" AS BLOB)), 0) + 2")
            .DefaultIfEmpty("0");
        return $"(SELECT coalesce(sum({ItemBytesBesidesText(type.ClrType)} + {string.Join(" + ", text)}), 0) FROM \"{table}\")";
    }

    private static async Task<long> ScalarAsync(GatewayDbContext db, string sql, CancellationToken ct)
    {
        await using var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.Transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
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
