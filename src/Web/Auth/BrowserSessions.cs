using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.Auth;

/// <summary>
/// Server-side browser sessions (a singleton): every sign-in gets a row, every cookie request must name a live
/// row, logging out deletes it. Checked on each cookie request, so live rows are cached in memory: this process
/// is the database's only writer of the table. A row unused for longer than the cookie can live is pruned.
/// </summary>
public sealed class BrowserSessions(IDbContextFactory<GatewayDbContext> factory, TimeProvider time)
{
    public const string ClaimType = "gateway:sid";

    /// <summary>The cookie's sliding lifetime; a row idle that long can't be named by any valid cookie.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>How stale <see cref="BrowserSessionEntity.LastSeenAt"/> may get before a request refreshes it.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTime> _live = new(StringComparer.Ordinal);

    /// <summary>Ids logged out since start (a few bytes per logout), so no racing check can cache one again.</summary>
    private readonly ConcurrentDictionary<string, byte> _ended = new(StringComparer.Ordinal);

    /// <summary>A new session id, stored before it is handed out.</summary>
    public async Task<string> StartAsync(CancellationToken ct)
    {
        var id = LoginTickets.Base64Url(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = now - Lifetime - TouchEvery;
        await db.Set<BrowserSessionEntity>().Where(s => s.LastSeenAt < cutoff).ExecuteDeleteAsync(ct);
        db.Add(new BrowserSessionEntity { Id = id, CreatedAt = now, LastSeenAt = now });
        await db.SaveChangesAsync(ct);
        _live[id] = now;
        return id;
    }

    /// <summary>True when the principal names a session that has not ended (logged out, or idle past its lifetime).</summary>
    public async ValueTask<bool> IsLiveAsync(ClaimsPrincipal? principal, CancellationToken ct)
    {
        if (principal?.FindFirst(ClaimType)?.Value is not { Length: > 0 and <= 64 } id)
        {
            return false; // a cookie from before sessions existed, or not ours
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (_live.TryGetValue(id, out var seen) && now - seen < TouchEvery)
        {
            return true;
        }

        // One statement, so a logout between a read and a write can't be undone by this refresh.
        var cutoff = now - Lifetime - TouchEvery;
        await using var db = await factory.CreateDbContextAsync(ct);
        var refreshed = await db.Set<BrowserSessionEntity>()
            .Where(s => s.Id == id && s.LastSeenAt >= cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LastSeenAt, now), ct);
        if (refreshed == 0 || _ended.ContainsKey(id))
        {
            _live.TryRemove(id, out _);
            return false;
        }

        _live[id] = now;
        if (_ended.ContainsKey(id))
        {
            _live.TryRemove(id, out _); // ended while this check ran
            return false;
        }

        return true;
    }

    /// <summary>Ends the principal's session (a no-op when it names none).</summary>
    public async Task EndAsync(ClaimsPrincipal? principal, CancellationToken ct)
    {
        if (principal?.FindFirst(ClaimType)?.Value is not { Length: > 0 } id)
        {
            return;
        }

        // Marked ended before the cache entry goes: a concurrent check either sees the mark or has its entry removed here.
        _ended[id] = 0;
        _live.TryRemove(id, out _);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<BrowserSessionEntity>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
    }
}
