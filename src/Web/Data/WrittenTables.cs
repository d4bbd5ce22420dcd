using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gateway.Web.Data;

/// <summary>
/// Notes which tables a context's commands write (SaveChanges, ExecuteUpdate/ExecuteDelete, raw SQL), so the cached
/// desired-state snapshot re-reads only those after a write. EF quotes every table name it writes; a write command
/// whose table can't be read marks every table, which is always safe.
/// </summary>
internal sealed partial class WrittenTables : DbCommandInterceptor
{
    /// <summary>Stands for "some table, unknown which".</summary>
    public const string Unknown = "*";

    public static readonly WrittenTables Instance = new();

    private static readonly string[] ReadOnlyOrControl = ["SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "END"];

    private WrittenTables()
    {
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Note(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Note(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Note(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Note(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <summary>The tables <paramref name="sql"/> writes; <see cref="Unknown"/> for a write it can't place; none for a read.</summary>
    internal static IReadOnlyList<string> Of(string sql)
    {
        var text = sql.TrimStart();
        foreach (var word in ReadOnlyOrControl)
        {
            if (text.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                // A SELECT can't write (EF never batches one ahead of a write), and transaction control writes no table.
                return [];
            }
        }

        var tables = WritePattern().Matches(sql).Select(m => m.Groups[1].Value).ToList();
        return tables.Count > 0 ? tables : [Unknown];
    }

    private static void Note(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is GatewayDbContext db)
        {
            foreach (var table in Of(command.CommandText))
            {
                db.WrittenTables.Add(table);
            }
        }
    }

    [GeneratedRegex("""\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"([^"]+)"(?:\s|\(|$)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WritePattern();
}
