using System.Collections.Concurrent;

namespace Gateway.Web.State;

/// <summary>
/// Live tokens by hash, as last read or written by <see cref="ApiTokenService"/>, so a busy script's requests don't
/// each open the database. An entry answers only while its last-used time is fresh (after that the service goes to
/// the database, which re-checks the token and records the use), and a revoke removes it at once. Entries belong to one
/// admin security stamp: the console's <c>gateway-web reset-password --revoke-tokens</c> deletes tokens from another
/// process but always changes the stamp, which the web re-reads within <see cref="AdminSecurityStamp.MaxAge"/>, so a
/// new stamp empties the cache and every token is checked against the database again.
/// </summary>
public sealed class ApiTokenCache
{
    private readonly ConcurrentDictionary<string, ApiTokenInfo> _byHash = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _revocations;

    /// <summary>Taken before reading a token from the database; see <see cref="Remember"/>.</summary>
    internal long Revocations => Interlocked.Read(ref _revocations);

    private string? _stamp;

    /// <summary>The entry for <paramref name="hash"/>, unless the admin stamp is no longer the one the cache was filled under.</summary>
    internal bool TryGet(string hash, string? stamp, out ApiTokenInfo info)
    {
        if (!string.Equals(Volatile.Read(ref _stamp), stamp, StringComparison.Ordinal))
        {
            lock (_lock)
            {
                if (!string.Equals(_stamp, stamp, StringComparison.Ordinal))
                {
                    // Also counts as a revocation: a database read that started before the change must not be kept.
                    _revocations++;
                    _byHash.Clear();
                    Volatile.Write(ref _stamp, stamp);
                }
            }

            info = null!;
            return false;
        }

        return _byHash.TryGetValue(hash, out info!);
    }

    /// <summary>Keeps what was read unless a revoke happened since <paramref name="revocationsBefore"/>: that read may be stale.</summary>
    internal void Remember(string hash, ApiTokenInfo info, long revocationsBefore)
    {
        lock (_lock)
        {
            if (_revocations == revocationsBefore)
            {
                _byHash[hash] = info;
            }
        }
    }

    internal void Forget(int id)
    {
        lock (_lock)
        {
            _revocations++;
            foreach (var (hash, info) in _byHash)
            {
                if (info.Id == id)
                {
                    _byHash.TryRemove(hash, out _);
                }
            }
        }
    }
}
