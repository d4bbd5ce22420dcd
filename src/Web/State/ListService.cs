using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>What the REST endpoints of a list resource need of its service (<see cref="Api.ListResourceApi"/>).</summary>
public interface IListService<TView, TInput>
{
    Task<IReadOnlyList<TView>> ListAsync(CancellationToken ct = default);

    Task<TView?> GetAsync(int id, CancellationToken ct = default);

    Task<Outcome<TView>> CreateAsync(TInput input, CancellationToken ct = default);

    Task<Outcome<TView>> UpdateAsync(int id, TInput input, CancellationToken ct = default);

    Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default);

    /// <summary>"No port forward with id 7.": the 404 detail of every route of the resource.</summary>
    string NotFoundMessage(int id);

    int IdOf(TView view);
}

/// <summary>
/// The one path of every list resource (port forwards, MAC filters, rules, 1:1, redirects, policy routes, pinholes):
/// list, get, create, update and delete, each write in one <see cref="StateWriter"/> transaction that checks the input
/// against what is stored (not found before invalid, field rules, then the resource's conflict rule) and patches the
/// one row it changed into <see cref="DesiredStateCache"/> instead of reading the table back.
/// A resource says only what differs: how an input becomes a record, its field rules and its conflict rule.
/// </summary>
/// <typeparam name="TView">What callers get: the record itself, or the record with live data (a rule with its hits).</typeparam>
public abstract class ListService<TRecord, TEntity, TInput, TView>(StateWriter writer, DesiredStateCache snapshots) : IListService<TView, TInput>
    where TRecord : class
    where TEntity : class, IListEntity<TRecord>
    where TInput : class
{
    private const string SetupFirst = "Complete setup first: the LAN is not configured.";

    /// <summary>"port forward": in "No port forward with id 7." and "A port forward is required.".</summary>
    protected abstract string Noun { get; }

    /// <summary>
    /// The field that carries "complete setup first" when the field rules need the LAN and there is none yet; null
    /// when the resource is checked without the LAN.
    /// </summary>
    protected virtual string? NeedsNetworkField => null;

    protected StateWriter Writer => writer;

    /// <summary>The stored list in the resource's order, as the desired state carries it.</summary>
    protected abstract IReadOnlyList<TRecord> Pick(GatewayConfig config);

    /// <summary>Input → record (errors named by field); <paramref name="stored"/> is the row an update replaces.</summary>
    protected abstract TRecord? ToRecord(TInput input, int id, ValidationErrors errors, TRecord? stored);

    /// <summary>The shared field rules; <paramref name="network"/> is null unless <see cref="NeedsNetworkField"/> is set.</summary>
    protected abstract void Validate(TRecord record, NetworkSettings? network, ValidationErrors errors);

    protected abstract TEntity NewEntity(TRecord record);

    protected abstract int RecordId(TRecord record);

    protected abstract TView View(TRecord record);

    /// <summary>The conflict hook: a 409 when <paramref name="record"/> clashes with one of <paramref name="stored"/> (itself included, by id).</summary>
    protected virtual Outcome<TRecord>? Conflict(TRecord record, IReadOnlyList<TRecord> stored) => null;

    /// <summary>A check that must not hold the write lock (asking the agent); runs before the write transaction.</summary>
    protected virtual Task<Outcome<TRecord>?> PrecheckAsync(int id, TInput input, CancellationToken ct) =>
        Task.FromResult<Outcome<TRecord>?>(null);

    /// <summary>Called before a new row is added, in the write transaction (a rule takes the last place).</summary>
    protected virtual Task AddingAsync(GatewayDbContext db, TEntity entity, CancellationToken ct) => Task.CompletedTask;

    public string NotFoundMessage(int id) => $"No {Noun} with id {id}.";

    public abstract int IdOf(TView view);

    public async Task<IReadOnlyList<TView>> ListAsync(CancellationToken ct = default) =>
        Views((await snapshots.SnapshotAsync(ct)) is { } snapshot ? Pick(snapshot.Config) : await writer.ReadAsync(LoadTableAsync, ct));

    public async Task<TView?> GetAsync(int id, CancellationToken ct = default)
    {
        var record = await writer.ReadAsync(async (db, c) => (await ById(db.Set<TEntity>().AsNoTracking(), id).SingleOrDefaultAsync(c))?.ToRecord(), ct);
        return record is null ? default : View(record);
    }

    public async Task<Outcome<TView>> CreateAsync(TInput input, CancellationToken ct = default)
    {
        if (await PrecheckAsync(0, input, ct) is { } failed)
        {
            return failed.As<TView>();
        }

        var outcome = await writer.WriteAsync(
            async (db, c) =>
            {
                var checkedRecord = await CheckAsync(db, 0, input, stored: null, c);
                if (!checkedRecord.Succeeded)
                {
                    return checkedRecord;
                }

                var entity = NewEntity(checkedRecord.Value!);
                await AddingAsync(db, entity, c);
                db.Set<TEntity>().Add(entity);
                await db.SaveChangesAsync(c);
                return Outcome<TRecord>.Created(entity.ToRecord());
            },
            ct,
            desiredState: true,
            wholeState: null,
            row: Row);
        return ToView(outcome);
    }

    public async Task<Outcome<TView>> UpdateAsync(int id, TInput input, CancellationToken ct = default)
    {
        if (await PrecheckAsync(id, input, ct) is { } failed)
        {
            return failed.As<TView>();
        }

        var outcome = await writer.WriteAsync(
            async (db, c) =>
            {
                // Not found before invalid.
                var entity = await ById(db.Set<TEntity>(), id).SingleOrDefaultAsync(c);
                if (entity is null)
                {
                    return Outcome<TRecord>.NotFound(NotFoundMessage(id));
                }

                var checkedRecord = await CheckAsync(db, id, input, entity.ToRecord(), c);
                if (!checkedRecord.Succeeded)
                {
                    return checkedRecord;
                }

                entity.CopyFrom(checkedRecord.Value!);
                return Outcome<TRecord>.Ok(entity.ToRecord());
            },
            ct,
            desiredState: true,
            wholeState: null,
            row: Row);
        return ToView(outcome);
    }

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(
            async (db, c) =>
            {
                var deleted = await ById(db.Set<TEntity>(), id).ExecuteDeleteAsync(c);
                return deleted == 0 ? Outcome<bool>.NotFound(NotFoundMessage(id)) : Outcome<bool>.Ok(true);
            },
            ct,
            desiredState: true,
            wholeState: null,
            row: _ => new RowChange(typeof(TEntity), id, null, IdOfItem));

    /// <summary>The whole table as records in the resource's order (before setup, when there is no snapshot): by id unless overridden.</summary>
    protected virtual async Task<IReadOnlyList<TRecord>> LoadTableAsync(GatewayDbContext db, CancellationToken ct) =>
        await ListTable.LoadByIdAsync<TEntity, TRecord>(db, ct);

    /// <summary>
    /// Input → record, the field rules (against the LAN where they need it), then the conflict rule against the stored
    /// list (from the cache when current: the caller holds the write gate).
    /// </summary>
    protected async Task<Outcome<TRecord>> CheckAsync(GatewayDbContext db, int id, TInput? input, TRecord? stored, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", $"A {Noun} is required.");
            return Outcome<TRecord>.Invalid(errors);
        }

        var record = ToRecord(input, id, errors, stored);
        var network = NeedsNetworkField is null ? null : (await db.Network.AsNoTracking().SingleOrDefaultAsync(ct))?.ToRecord();
        if (record is not null)
        {
            Validate(record, network, errors);
        }

        if (NeedsNetworkField is { } field && network is null)
        {
            errors.Add(field, SetupFirst);
        }

        if (!errors.IsValid)
        {
            return Outcome<TRecord>.Invalid(errors);
        }

        var others = await snapshots.ListForWriterAsync<TRecord>(db, typeof(TEntity), ct);
        return Conflict(record!, others) ?? Outcome<TRecord>.Ok(record!);
    }

    /// <summary>A 409 naming <paramref name="field"/>, as every list's conflict rule answers.</summary>
    protected static Outcome<TRecord> Clash(string field, string message) =>
        Outcome<TRecord>.Conflict(message, new Dictionary<string, string[]> { [field] = [message] });

    private static IQueryable<TEntity> ById(IQueryable<TEntity> rows, int id) => rows.Where(e => EF.Property<int>(e, ListTable.Id) == id);

    /// <summary>Each write here changes exactly one row of the table: the cached list is patched, not read back (docs/profile.md).</summary>
    private RowChange Row(TRecord record) => new(typeof(TEntity), RecordId(record), record, IdOfItem);

    private int IdOfItem(object record) => RecordId((TRecord)record);

    private IReadOnlyList<TView> Views(IReadOnlyList<TRecord> records)
    {
        if (records is IReadOnlyList<TView> same)
        {
            return same;
        }

        var views = new List<TView>(records.Count);
        foreach (var record in records)
        {
            views.Add(View(record));
        }

        return views;
    }

    private Outcome<TView> ToView(Outcome<TRecord> outcome) =>
        outcome.Succeeded ? new Outcome<TView>(outcome.Kind, View(outcome.Value!)) : outcome.As<TView>();
}

/// <summary>A list resource whose callers get its records as stored.</summary>
public abstract class ListService<TRecord, TEntity, TInput>(StateWriter writer, DesiredStateCache snapshots)
    : ListService<TRecord, TEntity, TInput, TRecord>(writer, snapshots)
    where TRecord : class
    where TEntity : class, IListEntity<TRecord>
    where TInput : class
{
    protected sealed override TRecord View(TRecord record) => record;

    public sealed override int IdOf(TRecord view) => RecordId(view);
}
