using Gateway.Shared.Config;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// The newest desired state in memory, kept per table, so the apply pump and the list GETs don't re-read ten
/// thousand rows after every one-row change.
/// </summary>
/// <remarks>
/// <para>Every desired-state write publishes, just before its commit, the revision it commits and the tables it wrote
/// (<see cref="StateWriter"/>; a write that rolls back takes its marks back). A table's cached list read at
/// revision A is still the table at revision R when the newest mark on the table is at most A and at most R. So:
/// the snapshot is current without touching the database when no mark is newer than it; otherwise one deferred
/// (read-only, WAL) transaction reads the revision and only the tables marked since they were cached.</para>
/// <para>The web is the database's only writer once it runs (migrations happen before it listens), which is what
/// makes an in-memory view sound. Lists are shared by every snapshot that includes them, never copied.</para>
/// </remarks>
public sealed class DesiredStateCache(IDbContextFactory<GatewayDbContext> factory)
{
    private static readonly Part[] Parts =
    [
        new(typeof(NetworkSettingsEntity), async (db, ct) => (object?)(await db.Network.AsNoTracking().SingleOrDefaultAsync(ct))?.ToRecord()),
        ById<PortForwardEntity, PortForward>(),
        ById<MacFilterEntity, MacFilter>(),
        new(typeof(MacPolicyEntity), async (db, ct) => (object?)new MacPolicy((await db.MacPolicy.AsNoTracking().SingleAsync(ct)).Mode)),
        new(typeof(LoggingPolicyEntity), async (db, ct) => (object?)(await db.Logging.AsNoTracking().SingleAsync(ct)).ToRecord()),
        new(typeof(RuleEntity), async (db, ct) => (object?)await RuleService.LoadAllAsync(db, ct)),
        new(typeof(ProtectionEntity), async (db, ct) => (object?)(await db.Protection.AsNoTracking().SingleAsync(ct)).ToRecord()),
        ById<OneToOneEntity, OneToOneNat>(),
        ById<RedirectEntity, Redirect>(),
        ById<PolicyRouteEntity, PolicyRoute>(),
        new(typeof(HelperSettingsEntity), async (db, ct) => (object?)(await db.Helpers.AsNoTracking().SingleAsync(ct)).ToRecord()),
        ById<PinholeEntity, Pinhole>(),
        new(typeof(DhcpSettingsEntity), async (db, ct) => (object?)(await db.Dhcp.AsNoTracking().SingleAsync(ct)).ToRecord()),
        ById<StaticLeaseEntity, StaticLease>(),
        new(typeof(DnsSettingsEntity), async (db, ct) => (object?)(await db.Dns.AsNoTracking().SingleAsync(ct)).ToRecord()),
        new(typeof(UpnpSettingsEntity), async (db, ct) => (object?)(await db.Upnp.AsNoTracking().SingleAsync(ct)).ToRecord()),
        new(typeof(WanSettingsEntity), async (db, ct) => (object?)(await db.Wan.AsNoTracking().SingleAsync(ct)).ToRecord()),
        ById<MirrorEntity, Mirror>(),
    ];

    private readonly Lock _lock = new();

    /// <summary>Table → the newest revision a published write on it commits (or committed).</summary>
    private readonly Dictionary<string, long> _marks = new(StringComparer.Ordinal);

    /// <summary>Table → its list or row as read at a revision.</summary>
    private readonly Dictionary<string, Cached> _cached = new(StringComparer.Ordinal);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DerivedValue> _derived = new(StringComparer.Ordinal);

    private long _newestMark;

    /// <summary>The newest committed desired revision; -1 until read or committed.</summary>
    private long _committed = -1;
    private (long Revision, GatewayConfig Config)? _snapshot;
    private string[]? _tables;

    /// <summary>The newest revision with its config, consistent with each other; null before setup.</summary>
    public async Task<(long Revision, GatewayConfig Config)?> SnapshotAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_snapshot is { } current && _newestMark <= current.Revision)
            {
                return current;
            }
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var tables = Tables(db);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // Deferred: a reader takes no lock at all in WAL mode and sees one consistent state.
            await using var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(transaction, ct);
            var revision = await db.Revision.AsNoTracking().Select(r => r.DesiredRevision).SingleAsync(ct);
            var values = new object?[Parts.Length];
            var fresh = new bool[Parts.Length];
            lock (_lock)
            {
                for (var i = 0; i < Parts.Length; i++)
                {
                    if (UsableAt(tables[i], revision) is { } cached)
                    {
                        values[i] = cached.Value;
                    }
                    else
                    {
                        fresh[i] = true;
                    }
                }
            }

            for (var i = 0; i < Parts.Length; i++)
            {
                if (fresh[i])
                {
                    values[i] = ReuseUnchanged(await Parts[i].Load(db, ct), Previous(tables[i]));
                }
            }

            await transaction.CommitAsync(ct);
            if (values[0] is null)
            {
                return null; // no network row: setup has not completed
            }

            var config = Assemble(values);
            lock (_lock)
            {
                for (var i = 0; i < Parts.Length; i++)
                {
                    if (fresh[i])
                    {
                        Store(tables[i], revision, values[i]);
                    }
                }

                if (_snapshot is not { } known || known.Revision <= revision)
                {
                    _snapshot = (revision, config);
                }
            }

            return (revision, config);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A list as the writer holding the write gate sees it before changing anything: from memory when that is
    /// current (every committed write has published its marks), else read in <paramref name="db"/>'s transaction.
    /// </summary>
    internal async Task<IReadOnlyList<T>> ListForWriterAsync<T>(GatewayDbContext db, Type entity, CancellationToken ct)
    {
        var index = Array.FindIndex(Parts, p => p.Entity == entity);
        var table = Tables(db)[index];
        lock (_lock)
        {
            if (_cached.TryGetValue(table, out var cached) && Mark(table) <= cached.AsOf)
            {
                return (IReadOnlyList<T>)cached.Value!;
            }
        }

        return (IReadOnlyList<T>)(await Parts[index].Load(db, ct))!;
    }

    /// <summary>
    /// Called by the writer (holding the write gate) just before it commits <paramref name="revision"/>; the
    /// answer undoes the marks when the commit does not happen.
    /// </summary>
    internal Action Publish(IEnumerable<string> tables, long revision)
    {
        var previous = new List<(string Table, long? Mark)>();
        lock (_lock)
        {
            var newestBefore = _newestMark;
            foreach (var table in tables)
            {
                previous.Add((table, _marks.TryGetValue(table, out var mark) ? mark : null));
                _marks[table] = Math.Max(revision, previous[^1].Mark ?? 0);
            }

            _newestMark = Math.Max(_newestMark, revision);
            return () =>
            {
                lock (_lock)
                {
                    foreach (var (table, mark) in previous)
                    {
                        if (mark is { } m)
                        {
                            _marks[table] = m;
                        }
                        else
                        {
                            _marks.Remove(table);
                        }
                    }

                    _newestMark = newestBefore;
                }
            };
        }
    }

    /// <summary>
    /// The newest committed desired revision (what <c>GET /api/v1/status</c> answers, polled by scripts and the
    /// benchmark every few ms): from memory once known, since every commit passes through <see cref="Committed"/>;
    /// read once from the database before that.
    /// </summary>
    public async Task<long> DesiredRevisionAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_committed >= 0)
            {
                return _committed;
            }
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.Revision.AsNoTracking().Select(r => r.DesiredRevision).SingleAsync(ct);
        lock (_lock)
        {
            // A write that committed meanwhile has raised it already; never go back.
            _committed = Math.Max(_committed, stored);
            return _committed;
        }
    }

    /// <summary>Called by the writer right after <paramref name="revision"/> committed.</summary>
    internal void Committed(long revision)
    {
        lock (_lock)
        {
            _committed = Math.Max(_committed, revision);
        }
    }

    /// <summary>
    /// Called by the writer holding the gate, before it publishes its marks: whether the cached list of
    /// <paramref name="change"/>'s table is current now (every committed write to that table is in it); if so, the
    /// answer, run right after the commit of the revision, stores that list with the one row changed as the table at
    /// that revision. Otherwise null, and the table is read back as after any write.
    /// </summary>
    internal Action<long>? PreparePatch(GatewayDbContext db, RowChange change)
    {
        var index = Array.FindIndex(Parts, p => p.Entity == change.Entity);
        var table = Tables(db)[index];
        Cached? current;
        lock (_lock)
        {
            current = _cached.TryGetValue(table, out var cached) && Mark(table) <= cached.AsOf ? cached : null;
        }

        if (current?.Value is not System.Collections.IList list || !list.GetType().IsGenericType
            || list.GetType().GetGenericTypeDefinition() != typeof(List<>))
        {
            return null;
        }

        return revision =>
        {
            var patched = change.Apply(list);
            lock (_lock)
            {
                // Only over the very list this write saw; a newer value (a later write's) is never replaced.
                if (_cached.TryGetValue(table, out var now) && ReferenceEquals(now, current))
                {
                    _cached[table] = new Cached(revision, patched);
                }
            }
        };
    }

    /// <summary>After a commit of a whole state the writer built itself (a restore): no need to read it back.</summary>
    internal void Seed(long revision, GatewayConfig config)
    {
        var values = Split(config);
        lock (_lock)
        {
            if (_tables is null)
            {
                return; // nothing read yet; the first snapshot reads everything anyway
            }

            for (var i = 0; i < Parts.Length; i++)
            {
                Store(_tables[i], revision, values[i]);
            }

            if (_snapshot is not { } known || known.Revision <= revision)
            {
                _snapshot = (revision, config);
            }
        }
    }

    /// <summary>
    /// A value derived from the snapshot at <paramref name="revision"/> (say, a list's JSON), made once and kept for
    /// that revision only: one per key, replaced when a newer revision asks.
    /// </summary>
    public T Derived<T>(string key, long revision, Func<T> make)
        where T : class
    {
        if (_derived.TryGetValue(key, out var known) && known.Revision == revision)
        {
            return (T)known.Value;
        }

        var value = make();
        _derived.AddOrUpdate(key, new DerivedValue(revision, value), (_, old) => old.Revision > revision ? old : new DerivedValue(revision, value));
        return value;
    }

    /// <summary>Items in the lists whose worst-case JSON size the writer bounds; see <see cref="StateWriter"/>.</summary>
    internal static IEnumerable<Type> ListEntities => Parts.Where(p => p.IsList).Select(p => p.Entity);

    private object? Previous(string table)
    {
        lock (_lock)
        {
            return _cached.TryGetValue(table, out var cached) ? cached.Value : null;
        }
    }

    /// <summary>
    /// A list read afresh after a one-item write holds the other items as equal but new records: the instances of the
    /// previous read are put back in their place, so whatever is keyed by instance (the apply frame's item JSON,
    /// <see cref="ApplyFrameWriter"/>) stays valid for them. Items are records with value equality, so an item that
    /// changed in any field is not equal and stays the fresh instance.
    /// </summary>
    internal static object? ReuseUnchanged(object? fresh, object? previous)
    {
        if (fresh is not System.Collections.IList { IsReadOnly: false } items || previous is not System.Collections.IList { Count: > 0 } old)
        {
            return fresh;
        }

        var known = new HashSet<object>(old.Count);
        foreach (var item in old)
        {
            known.Add(item!);
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item && known.TryGetValue(item, out var same))
            {
                items[i] = same;
            }
        }

        return fresh;
    }

    private long Mark(string table) =>
        Math.Max(_marks.TryGetValue(table, out var mark) ? mark : 0, _marks.TryGetValue(WrittenTables.Unknown, out var any) ? any : 0);

    private Cached? UsableAt(string table, long revision)
    {
        var mark = Mark(table);
        return _cached.TryGetValue(table, out var cached) && mark <= cached.AsOf && mark <= revision ? cached : null;
    }

    private void Store(string table, long revision, object? value)
    {
        if (!_cached.TryGetValue(table, out var cached) || cached.AsOf <= revision)
        {
            _cached[table] = new Cached(revision, value);
        }
    }

    private string[] Tables(GatewayDbContext db) =>
        _tables ??= Array.ConvertAll(Parts, p => db.Model.FindEntityType(p.Entity)!.GetTableName()!);

    private static GatewayConfig Assemble(object?[] v) => new(
        (NetworkSettings)v[0]!,
        (IReadOnlyList<PortForward>)v[1]!,
        (IReadOnlyList<MacFilter>)v[2]!,
        (MacPolicy)v[3]!,
        (LoggingPolicy)v[4]!,
        (IReadOnlyList<TrafficRule>)v[5]!,
        (Protection)v[6]!,
        (IReadOnlyList<OneToOneNat>)v[7]!,
        (IReadOnlyList<Redirect>)v[8]!,
        (IReadOnlyList<PolicyRoute>)v[9]!,
        (HelperSettings)v[10]!,
        (IReadOnlyList<Pinhole>)v[11]!,
        (DhcpSettings)v[12]!,
        (IReadOnlyList<StaticLease>)v[13]!,
        (DnsSettings)v[14]!,
        (UpnpSettings)v[15]!,
        (WanSettings)v[16]!,
        (IReadOnlyList<Mirror>)v[17]!);

    private static object?[] Split(GatewayConfig c) =>
    [
        c.Network, c.PortForwards, c.MacFilters, c.MacPolicy, c.Logging, c.Rules, c.Protection, c.OneToOne, c.Redirects,
        c.PolicyRoutes, c.Helpers, c.Pinholes, c.Dhcp, c.StaticLeases, c.Dns, c.Upnp, c.Wan, c.Mirrors,
    ];

    /// <summary>A list kept in id order (every list but the rules, which keep their run order).</summary>
    private static Part ById<TEntity, TRecord>()
        where TEntity : class, IListEntity<TRecord> =>
        new(typeof(TEntity), async (db, ct) => await ListTable.LoadByIdAsync<TEntity, TRecord>(db, ct));

    private sealed record Part(Type Entity, Func<GatewayDbContext, CancellationToken, Task<object?>> Load)
    {
        // A table is a list when its rows are list items: a new list resource needs no entry here.
        public bool IsList { get; } = Entity.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IListEntity<>));
    }

    private sealed record Cached(long AsOf, object? Value);

    private sealed record DerivedValue(long Revision, object Value);
}
