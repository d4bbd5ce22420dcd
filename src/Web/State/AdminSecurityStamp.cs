using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// The admin's current security stamp, read from the database once and then kept in memory (a singleton):
/// every browser request compares its cookie's stamp with it, so it must be cheap. This process is the
/// database's only writer, and <see cref="AdminAccountService"/> reports each new stamp after its commit.
/// </summary>
public sealed class AdminSecurityStamp(IDbContextFactory<GatewayDbContext> factory)
{
    private volatile string? _current;

    /// <summary>Null while there is no admin (before setup): no cookie is valid then.</summary>
    public async ValueTask<string?> CurrentAsync(CancellationToken ct = default)
    {
        if (_current is { } known)
        {
            return known;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.AdminUsers.Select(a => a.SecurityStamp).SingleOrDefaultAsync(ct);
        if (stored is null)
        {
            return null; // not cached: setup creates the admin without telling us
        }

        // A change committed while we read wins: only fill an empty cache.
        return Interlocked.CompareExchange(ref _current, stored, null) ?? stored;
    }

    /// <summary>Called after a committed password change.</summary>
    public void Changed(string stamp) => _current = stamp;
}
