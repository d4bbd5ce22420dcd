using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Gateway.Web.Data;

/// <summary>
/// Inserts many rows through one prepared SQLite command in the context's open transaction, bypassing change
/// tracking (which costs seconds for a 20,000-item restore). Columns and value conversions (enums stored as text)
/// come from the EF model, so the rows are exactly what SaveChanges would have written.
/// </summary>
internal static class BulkInsert
{
    /// <summary>
    /// The id SQLite's AUTOINCREMENT would give the next row of <typeparamref name="T"/>'s table: one past both the
    /// largest id ever used (sqlite_sequence) and the largest now present. Inserting explicit ids from here on keeps
    /// sqlite_sequence moving exactly as automatic ids would, so deleted ids still never come back.
    /// </summary>
    public static async Task<int> NextIdAsync<T>(GatewayDbContext db, CancellationToken ct)
        where T : class
    {
        var (table, key) = TableAndKey<T>(db);
        await using var command = Command(db);
        command.CommandText = $"""
            SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = $table), 0), coalesce((SELECT max("{key}") FROM "{table}"), 0)) + 1
            """;
        command.Parameters.AddWithValue("$table", table);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts <paramref name="rows"/> in order, every column including the id (which must be set).</summary>
    public static async Task InsertAsync<T>(GatewayDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entityType.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var properties = entityType.GetProperties().ToArray();
        var getters = Array.ConvertAll(properties, p => p.GetGetter());
        var converters = Array.ConvertAll(properties, p => p.GetTypeMapping().Converter);

        await using var command = Command(db);
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(store)}\""));
        var names = string.Join(", ", properties.Select((_, i) => $"$p{i}"));
        command.CommandText = $"INSERT INTO \"{table}\" ({columns}) VALUES ({names})";
        var parameters = new SqliteParameter[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            // No declared type: each value's own type picks the storage class (integer, text), as EF's parameters do.
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = $"$p{i}" });
        }

        db.WrittenTables.Add(table);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < properties.Length; i++)
            {
                var value = getters[i].GetClrValue(row);
                if (value is not null && converters[i] is { } converter)
                {
                    value = converter.ConvertToProvider(value);
                }

                parameters[i].Value = value ?? DBNull.Value;
            }

            // Synchronous on purpose: SQLite works on the calling thread either way, and the async path adds a
            // state machine per row.
            command.ExecuteNonQuery();
        }
    }

    private static (string Table, string Key) TableAndKey<T>(GatewayDbContext db)
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entityType.GetTableName()!;
        var key = entityType.FindPrimaryKey()!.Properties.Single().GetColumnName(StoreObjectIdentifier.Table(table, entityType.GetSchema()))!;
        return (table, key);
    }

    private static SqliteCommand Command(GatewayDbContext db)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as SqliteTransaction
            ?? throw new InvalidOperationException("Bulk inserts run inside the writer's transaction.");
        return command;
    }
}
