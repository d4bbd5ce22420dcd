using Gateway.Web.Data;

namespace Gateway.Tests.Unit.Web;

/// <summary>The tables a command writes, as the snapshot cache learns them from EF's SQL.</summary>
public sealed class WrittenTablesTests
{
    [Theory]
    [InlineData("INSERT INTO \"PortForwards\" (\"Enabled\", \"Name\") VALUES (@p0, @p1) RETURNING \"Id\";", "PortForwards")]
    [InlineData("DELETE FROM \"MacFilters\" AS \"m\" WHERE \"m\".\"Id\" = @id", "MacFilters")]
    [InlineData("UPDATE \"Revision\" AS \"r\" SET \"DesiredRevision\" = \"r\".\"DesiredRevision\" + 1", "Revision")]
    [InlineData("UPDATE \"Rules\" SET \"Position\" = @p0 WHERE \"Id\" = @p1 RETURNING 1;", "Rules")]
    [InlineData("  insert or replace into \"Helpers\" (\"Id\") values (1)", "Helpers")]
    public void A_write_names_its_table(string sql, string table) => Assert.Equal([table], WrittenTables.Of(sql));

    [Fact]
    public void A_batch_names_every_table_it_writes() =>
        Assert.Equal(
            ["PortForwards", "Network"],
            WrittenTables.Of("UPDATE \"PortForwards\" SET \"Name\" = @p0 WHERE \"Id\" = @p1 RETURNING 1;\nUPDATE \"Network\" SET \"LanAddress\" = @p2 WHERE \"Id\" = @p3 RETURNING 1;"));

    [Theory]
    [InlineData("SELECT \"p\".\"Id\" FROM \"PortForwards\" AS \"p\" WHERE \"p\".\"Name\" = 'UPDATE \"Rules\"'")]
    [InlineData("PRAGMA busy_timeout=10000;")]
    [InlineData("SAVEPOINT \"__EFSavePoint\";")]
    [InlineData("RELEASE SAVEPOINT \"__EFSavePoint\";")]
    public void A_read_or_transaction_control_writes_nothing(string sql) => Assert.Empty(WrittenTables.Of(sql));

    [Fact]
    public void A_write_it_cannot_place_marks_every_table() =>
        Assert.Equal([WrittenTables.Unknown], WrittenTables.Of("WITH x AS (SELECT 1) INSERT INTO PortForwards SELECT * FROM x"));
}
