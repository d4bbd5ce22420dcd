using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Gateway.Tests.Unit.Web;

/// <summary>Upgrading from NatBeyondMasquerade to Ipv6AndPinholes: the LAN keeps IPv6 off; pinhole ids never come back.</summary>
public sealed class Ipv6MigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gw-mig6-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task An_existing_lan_reads_back_with_ipv6_off_and_a_deleted_pinholes_id_is_not_reused()
    {
        await using (var db = Open())
        {
            await db.GetService<IMigrator>().MigrateAsync("NatBeyondMasquerade");
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO NetworkSettings (Id, WanInterface, LanInterface, LanAddress, Masquerade) VALUES (1, 'ppp*', 'br-lan', '192.168.1.1/24', 1)");
        }

        await using (var db = Open())
        {
            await db.Database.MigrateAsync();
            var network = (await db.Network.AsNoTracking().SingleAsync()).ToRecord();
            Assert.Null(network.LanIpv6);
            Assert.False(network.Ipv6Enabled);
            Assert.Empty(await db.Pinholes.ToListAsync());

            var first = new PinholeEntity { Name = "a", Enabled = true, Port = 22, HostSuffix = "::10" };
            db.Pinholes.Add(first);
            await db.SaveChangesAsync();
            await db.Pinholes.Where(p => p.Id == first.Id).ExecuteDeleteAsync();
            var second = new PinholeEntity { Name = "b", Enabled = true, Port = 22, HostSuffix = "::10" };
            db.Pinholes.Add(second);
            await db.SaveChangesAsync();
            Assert.True(second.Id > first.Id, "AUTOINCREMENT: a deleted pinhole's id (its ct mark) must not come back");
        }

        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'Pinholes'";
        Assert.Contains("AUTOINCREMENT", (string)(await command.ExecuteScalarAsync())!, StringComparison.Ordinal);
    }

    private GatewayDbContext Open() => new(new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite($"Data Source={_path};Pooling=False").Options);

    public void Dispose() => File.Delete(_path);
}
