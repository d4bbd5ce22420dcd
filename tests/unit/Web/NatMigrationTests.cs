using Gateway.Shared.Config;
using Gateway.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Gateway.Tests.Unit.Web;

/// <summary>Upgrading a database from the traffic-rules round to NatBeyondMasquerade keeps FTP forwards FTP.</summary>
public sealed class NatMigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gw-mig-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task An_ftp_forward_of_the_previous_schema_reads_back_with_helper_ftp_and_the_new_tables_start_empty()
    {
        await using (var db = Open())
        {
            await db.GetService<IMigrator>().MigrateAsync("TrafficRulesAndProtection");
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO PortForwards (Name, Enabled, Protocol, ExternalPort, InternalAddress, Reflection, FtpHelper) VALUES ('ftp', 1, 'Tcp', 21, '192.168.1.20', 1, 1), ('web', 1, 'Tcp', 80, '192.168.1.21', 1, 0)");
        }

        await using (var db = Open())
        {
            await db.Database.MigrateAsync();
            var forwards = (await db.PortForwards.AsNoTracking().OrderBy(f => f.Id).ToListAsync()).Select(f => f.ToRecord()).ToList();
            Assert.Equal(ConntrackHelper.Ftp, forwards[0].Helper);
            Assert.True(forwards[0].FtpHelper);
            Assert.Null(forwards[1].Helper);
            Assert.False(forwards[1].FtpHelper);
            Assert.Empty((await db.Helpers.SingleAsync()).ToRecord().Outbound);
            Assert.Empty(await db.OneToOne.ToListAsync());
            Assert.Empty(await db.Redirects.ToListAsync());
            Assert.Empty(await db.PolicyRoutes.ToListAsync());
        }

        // The data step itself ran: the stored row names the helper, not just the read-time alias.
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Helper FROM PortForwards WHERE Name = 'ftp'";
        Assert.Equal("Ftp", await command.ExecuteScalarAsync());
    }

    private GatewayDbContext Open() => new(new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite($"Data Source={_path};Pooling=False").Options);

    public void Dispose() => File.Delete(_path);
}
