using Gateway.Shared.Config;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// The restore's bulk insert against what EF change tracking (the restore's former path) stores for the same rows:
/// every column of every row, and the AUTOINCREMENT sequence, byte for byte.
/// </summary>
public sealed class BulkInsertTests : IDisposable
{
    private readonly string _tracked = Path.Combine(Path.GetTempPath(), $"gw-bulk-a-{Guid.NewGuid():N}.db");
    private readonly string _bulk = Path.Combine(Path.GetTempPath(), $"gw-bulk-b-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Bulk_rows_and_sequences_equal_what_tracked_inserts_store()
    {
        foreach (var path in new[] { _tracked, _bulk })
        {
            // The same history in both: ids 1-6 used, 2 and 5 deleted, then everything deleted as a restore does.
            await using var db = Open(path);
            await db.Database.MigrateAsync();
            for (var i = 1; i <= 6; i++)
            {
                db.PortForwards.Add(PortForwardEntity.From(Forward(0, i)));
                db.MacFilters.Add(MacFilterEntity.From(new MacFilter(0, $"02:00:00:00:00:{i:x2}", $"m{i}", true)));
                db.Rules.Add(RuleEntity.From(Rule(0, i), i));
            }

            await db.SaveChangesAsync();
        }

        // Kept ids (3, 6) and new ones, interleaved; every column kind: nullable enums, enums as text, nulls, bools.
        var forwards = new[] { Forward(6, 100), Forward(0, 101), Forward(3, 102), Forward(0, 103), Forward(42, 104) };
        var macs = new[] { new MacFilter(0, "02:00:00:00:01:01", "new \"one\"", false), new MacFilter(3, "02:00:00:00:01:02", "kept", true) };
        var rules = new[] { Rule(0, 1), Rule(6, 2), Rule(0, 3) };
        var kept = new HashSet<int> { 3, 6 };

        await using (var db = Open(_tracked))
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.PortForwards.ExecuteDeleteAsync();
            await db.MacFilters.ExecuteDeleteAsync();
            await db.Rules.ExecuteDeleteAsync();
            foreach (var forward in forwards)
            {
                var entity = PortForwardEntity.From(forward);
                entity.Id = kept.Contains(forward.Id) ? forward.Id : 0;
                db.PortForwards.Add(entity);
            }

            foreach (var mac in macs)
            {
                var entity = MacFilterEntity.From(mac);
                entity.Id = kept.Contains(mac.Id) ? mac.Id : 0;
                db.MacFilters.Add(entity);
            }

            for (var i = 0; i < rules.Length; i++)
            {
                var entity = RuleEntity.From(rules[i], i);
                entity.Id = kept.Contains(rules[i].Id) ? rules[i].Id : 0;
                db.Rules.Add(entity);
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using (var db = Open(_bulk))
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.PortForwards.ExecuteDeleteAsync();
            await db.MacFilters.ExecuteDeleteAsync();
            await db.Rules.ExecuteDeleteAsync();
            await BulkInsert.InsertAsync(db, await WithIds(db, forwards.Select(PortForwardEntity.From).ToList(), forwards.Select(f => f.Id).ToList(), kept), default);
            await BulkInsert.InsertAsync(db, await WithIds(db, macs.Select(MacFilterEntity.From).ToList(), macs.Select(m => m.Id).ToList(), kept), default);
            await BulkInsert.InsertAsync(db, await WithIds(db, rules.Select((r, i) => RuleEntity.From(r, i)).ToList(), rules.Select(r => r.Id).ToList(), kept), default);
            Assert.Equal(["MacFilters", "PortForwards", "Rules"], db.WrittenTables.Order());
            await transaction.CommitAsync();
        }

        foreach (var table in new[] { "PortForwards", "MacFilters", "Rules", "sqlite_sequence" })
        {
            var expected = await DumpAsync(_tracked, table);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await DumpAsync(_bulk, table));
        }

        // New ids continue past everything ever used (6), in list order.
        // (6 kept, f101 → 7, 3 kept, f103 → 8, 42 never existed → 9.)
        Assert.Equal(["3:Int64|f102:String", "6:Int64|f100:String", "7:Int64|f101:String", "8:Int64|f103:String", "9:Int64|f104:String"],
            await DumpAsync(_bulk, "PortForwards", "Id, Name"));
    }

    private static async Task<List<T>> WithIds<T>(GatewayDbContext db, List<T> entities, List<int> ids, HashSet<int> kept)
        where T : class, IHasId
    {
        var next = await BulkInsert.NextIdAsync<T>(db, default);
        for (var i = 0; i < entities.Count; i++)
        {
            entities[i].Id = kept.Contains(ids[i]) ? ids[i] : next++;
        }

        return entities;
    }

    private static PortForward Forward(int id, int n) => new(
        id, $"f{n}", n % 2 == 0, n % 3 == 0 ? ForwardProtocol.Udp : ForwardProtocol.Tcp, 1000 + n, n % 4 == 0 ? 1010 + n : null,
        "192.168.1.20", n % 5 == 0 ? null : 80, n % 2 == 0 ? "10.0.0.0/8" : null, n % 2 == 1, false,
        n % 3 == 1 ? FirewallLogLevel.Info : null, n % 4 == 1 ? ConntrackHelper.Ftp : null);

    private static TrafficRule Rule(int id, int n) => new(
        id, $"r{n}", true, RuleChain.Forward, RuleFamily.Any, null, "ppp*", RuleProtocol.Tcp, $"10.0.0.{n}", null, 25, null,
        n % 2 == 0 ? "02:00:00:00:00:aa" : null, RuleAction.Reject, RejectWith.AdminProhibited, FirewallLogLevel.Warn,
        n % 2 == 1 ? new RuleLimit(10, 20) : null);

    private static GatewayDbContext Open(string path) =>
        new(new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);

    private static async Task<List<string>> DumpAsync(string path, string table, string columns = "*")
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = table == "sqlite_sequence"
            ? "SELECT name || '=' || seq FROM sqlite_sequence ORDER BY name"
            : $"SELECT {columns} FROM \"{table}\" ORDER BY Id";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(v => v is DBNull ? "NULL" : $"{v}:{v.GetType().Name}")));
        }

        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_tracked);
        File.Delete(_bulk);
    }
}
