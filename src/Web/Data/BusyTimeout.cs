using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gateway.Web.Data;

/// <summary>
/// Sets SQLite's own busy timeout on every connection the web opens. In-process writers queue in StateWriter and
/// snapshot reads are deferred (WAL readers never wait), so this is only a safety net, e.g. for a checkpoint or a
/// second process: SQLite's handler retries within a millisecond or so, where Microsoft.Data.Sqlite alone would
/// sleep a fixed 150 ms per retry.
/// </summary>
internal sealed class BusyTimeout : DbConnectionInterceptor
{
    public const int Milliseconds = 10_000;

    public static readonly BusyTimeout Instance = new();

    private const string Pragma = "PRAGMA busy_timeout=10000;";

    private BusyTimeout()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
