using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// Checks the connection string, creates the database's folder, and registers the context factory
    /// (Blazor circuits and REST both create one short-lived context per operation).
    /// </summary>
    /// <returns>The database's folder.</returns>
    /// <exception cref="InvalidOperationException">The connection string is missing or unusable.</exception>
    public static string AddGatewayDatabase(this IServiceCollection services, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Gateway is not set.");
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Gateway is not a SQLite connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("ConnectionStrings:Gateway must name a database file (Data Source=/path/gateway.db).");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) ?? "/";
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot create the database folder {folder}: {ex.Message}", ex);
        }

        // Wait for a concurrent writer rather than failing with "database is locked".
        builder.DefaultTimeout = 30;
        var connection = builder.ToString();
        services.AddDbContextFactory<GatewayDbContext>(options => options.UseSqlite(connection)
            .AddInterceptors(BusyTimeout.Instance, WrittenTables.Instance));
        return folder;
    }

    /// <summary>Applies migrations and switches the journal to WAL (persistent in the file).</summary>
    public static async Task MigrateGatewayDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<GatewayDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}
