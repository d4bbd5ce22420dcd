using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// The admin's current security stamp, kept in memory (a singleton): every browser request compares its cookie's
/// stamp with it, so it must be cheap. <see cref="AdminAccountService"/> reports each new stamp after its commit;
/// the console's <c>gateway-web reset-password</c> writes the database from another process, so the cached stamp
/// is also re-read once it is <see cref="MaxAge"/> old (one small query every few seconds at most).
/// </summary>
public sealed class AdminSecurityStamp(IDbContextFactory<GatewayDbContext> factory, TimeProvider time)
{
    /// <summary>With the circuits' 5 s revalidation, a reset from the console signs every browser out within 10 s.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private volatile string? _current;
    private long _readAt;

    /// <summary>Null while there is no admin (before setup): no cookie is valid then.</summary>
    public async ValueTask<string?> CurrentAsync(CancellationToken ct = default)
    {
        if (_current is { } known && time.GetElapsedTime(Interlocked.Read(ref _readAt)) < MaxAge)
        {
            return known;
        }

        var started = time.GetTimestamp();

        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.AdminUsers.Select(a => a.SecurityStamp).SingleOrDefaultAsync(ct);
        if (stored is null)
        {
            return null; // not cached: setup creates the admin without telling us
        }

        // A change reported while we read wins: it is at least as new as what we read.
        lock (_gate)
        {
            if (Interlocked.Read(ref _readAt) <= started || _current is null)
            {
                _current = stored;
                Interlocked.Exchange(ref _readAt, started);
            }

            return _current;
        }
    }

    /// <summary>Called after a committed password change.</summary>
    public void Changed(string stamp)
    {
        lock (_gate)
        {
            _current = stamp;
            Interlocked.Exchange(ref _readAt, time.GetTimestamp());
        }
    }
}
