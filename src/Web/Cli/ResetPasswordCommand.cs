using Gateway.Shared.Hosting;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.Cli;

/// <summary>
/// Console recovery: a new admin password straight into the database, for an owner who forgot it. The new
/// security stamp signs every browser out (a running web re-reads the stamp within seconds, see
/// <see cref="AdminSecurityStamp"/>); API tokens stay unless asked. Only whoever can write the database file can do
/// this: on the package, root (through /usr/sbin/gateway-web, which runs this as the gateway user).
/// </summary>
public static class ResetPasswordCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    /// <summary>The entry point from <c>Main</c>: settings as the web reads them, the real console.</summary>
    public static async Task<int> RunFromConsoleAsync(string[] args)
    {
        if (!ResetPasswordOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"gateway-web reset-password: {error}\n\n{ResetPasswordOptions.Usage}");
            return BadUsage;
        }

        if (options.Help)
        {
            await Console.Out.WriteLineAsync(ResetPasswordOptions.Usage);
            return Ok;
        }

        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        configuration.AddSystemSettingsFile();
        configuration.AddEnvironmentVariables();
        string? password;
        if (options.Generate)
        {
            password = PasswordGenerator.Generate();
        }
        else if (!TryReadPassword(out password))
        {
            await Console.Error.WriteLineAsync("gateway-web reset-password: the two entries differ; nothing changed.");
            return Failed;
        }

        return await RunAsync(options, password, configuration.GetConnectionString("Gateway"), Console.Out, Console.Error);
    }

    /// <summary>
    /// Sets <paramref name="password"/> (null: none was given) in the database of <paramref name="connectionString"/>;
    /// prints it when generated. Messages are single lines prefixed with the command's name.
    /// </summary>
    public static async Task<int> RunAsync(
        ResetPasswordOptions options, string? password, string? connectionString, TextWriter stdout, TextWriter stderr,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        const string Name = "gateway-web reset-password";
        if (AdminPassword.Check(password) is { } problem)
        {
            await stderr.WriteLineAsync($"{Name}: the new password is not accepted: {problem}");
            return Failed;
        }

        if (OpenDatabase(connectionString, out var databaseError) is not { } dbOptions)
        {
            await stderr.WriteLineAsync($"{Name}: {databaseError}");
            return Failed;
        }

        int tokensRevoked;
        try
        {
            await using var db = new GatewayDbContext(dbOptions);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var admin = await db.AdminUsers.SingleOrDefaultAsync(ct);
            if (admin is null)
            {
                await stderr.WriteLineAsync($"{Name}: setup has not been done yet, so there is no admin password to reset: open the setup page instead.");
                return Failed;
            }

            admin.PasswordHash = new PasswordHasher<AdminUserEntity>().HashPassword(admin, password!);
            admin.PasswordChangedAt = DateTimeOffset.UtcNow;
            admin.SecurityStamp = AdminUserEntity.NewSecurityStamp();
            await db.SaveChangesAsync(ct);
            tokensRevoked = options.RevokeTokens ? await db.ApiTokens.ExecuteDeleteAsync(ct) : 0;
            await transaction.CommitAsync(ct);
        }
        catch (SqliteException ex)
        {
            await stderr.WriteLineAsync($"{Name}: {DescribeSqliteFailure(ex)}");
            return Failed;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        if (options.Generate)
        {
            await stdout.WriteLineAsync(password);
        }

        await stderr.WriteLineAsync(
            $"{Name}: the admin password is changed; every browser is signed out within 15 s. "
            + (options.RevokeTokens ? $"{tokensRevoked} API token(s) revoked." : "API tokens are kept (--revoke-tokens deletes them)."));
        return Ok;
    }

    /// <summary>
    /// Options for the existing database, or null with a reason: never creates one (a typo in the settings must not
    /// "succeed" on an empty file), and tells a permission problem apart from a missing file.
    /// </summary>
    private static DbContextOptions<GatewayDbContext>? OpenDatabase(string? connectionString, out string error)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "ConnectionStrings:Gateway is not set.";
            return null;
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            error = $"ConnectionStrings:Gateway is not a SQLite connection string: {ex.Message}";
            return null;
        }

        var path = Path.GetFullPath(builder.DataSource);
        var folder = Path.GetDirectoryName(path) ?? "/";
        if (!File.Exists(path))
        {
            error = Directory.Exists(folder) && !CanList(folder)
                ? PermissionMessage(path)
                : $"there is no database at {path}: setup has not been done yet (open the setup page), or ConnectionStrings:Gateway names another file.";
            return null;
        }

        builder.DataSource = path;
        builder.Mode = SqliteOpenMode.ReadWrite; // never create
        builder.DefaultTimeout = 30; // wait for the running web's writes
        builder.Pooling = false;
        error = string.Empty;
        return new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite(builder.ToString()).Options;
    }

    private static bool CanList(string folder)
    {
        try
        {
            _ = Directory.EnumerateFileSystemEntries(folder).Any();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string PermissionMessage(string path) =>
        $"permission denied on {path}: the database belongs to the gateway service user; run this as root (sudo gateway-web reset-password).";

    private static string DescribeSqliteFailure(SqliteException ex) => ex.SqliteErrorCode switch
    {
        // SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN: the file or its folder (the -wal/-shm files beside it)
        // isn't ours to write.
        3 or 8 or 14 => $"cannot write the database ({ex.Message}): run this as root (sudo gateway-web reset-password).",
        _ => $"the database refused the change: {ex.Message}",
    };

    /// <summary>One line from a pipe; on a terminal, asked twice without echo.</summary>
    private static bool TryReadPassword(out string? password)
    {
        if (Console.IsInputRedirected)
        {
            password = Console.In.ReadLine();
            return true;
        }

        password = Prompt("New admin password: ");
        return Prompt("Again: ") == password;
    }

    private static string Prompt(string text)
    {
        Console.Error.Write(text);
        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
