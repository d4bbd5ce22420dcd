using Gateway.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// The apply pump's view of the database: the desired revision and <see cref="ConfigService.ReadConfigAsync"/>'s
/// config, read in one deferred transaction — a WAL snapshot that never takes SQLite's write lock, so the pump
/// can't hold up a writer (nor wait behind one).
/// </summary>
public sealed class DesiredStateSource(IDbContextFactory<GatewayDbContext> factory) : IDesiredStateSource
{
    public async Task<DesiredSnapshot?> ReadAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var transaction = connection.BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, ct);
        var revision = (await db.Revision.AsNoTracking().SingleAsync(ct)).DesiredRevision;
        var config = await ConfigService.ReadConfigAsync(db, ct);
        await transaction.CommitAsync(ct);
        return config is null ? null : new DesiredSnapshot(revision, config);
    }
}
