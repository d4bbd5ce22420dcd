using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Gateway.Web.Auth;

/// <summary>
/// Failed password attempts (HTTP Basic and the login form share it), counted in three buckets at once: the
/// client's address (IPv6: its /64, the block one home or host can rotate addresses in at will), its network
/// (IPv4 /24, IPv6 /48: a neighbour with many addresses) and everyone together. A bucket that reached its
/// limit within <see cref="Window"/> blocks every key that falls in it until its oldest failure ages out:
/// <see cref="MaxFailures"/> per address, <see cref="MaxNetworkFailures"/> per network,
/// <see cref="MaxGlobalFailures"/> in all — the global ceiling bounds guessing from any number of addresses,
/// at the price that such a flood also blocks the owner's login for up to 15 minutes (console recovery and
/// existing sessions and tokens still work). A success clears the address's own bucket and takes its reserved
/// attempt back out of the network and global buckets (otherwise every successful login would count there as a
/// failure: 20 from the owner's /24 within the window would lock the owner out).
/// Callers reserve an attempt with <see cref="BeginAttempt"/> before the (slow) password check: checking
/// first and recording the failure afterwards would let a burst of parallel guesses all pass the check.
/// Kept in memory: a restart forgets the counts (an attacker can't cause one from the network).
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public const int MaxNetworkFailures = 20;
    public const int MaxGlobalFailures = 100;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private const string GlobalKey = "*";

    // One lock for all buckets: logins are rare, and a reservation must see the three buckets consistently.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    public static string KeyOf(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The network bucket of an address key: "203.0.113.0/24" for IPv4, the /48 for an IPv6 /64; null for others.</summary>
    public static string? NetworkOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = key.EndsWith("/64", StringComparison.Ordinal) ? key[..^3] : key;
        if (!IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        var (keep, suffix) = address.AddressFamily == AddressFamily.InterNetwork ? (3, "/24") : (6, "/48");
        Array.Clear(bytes, keep, bytes.Length - keep);
        return new IPAddress(bytes) + suffix;
    }

    /// <summary>
    /// Counts one attempt as a failure up front (a success clears it) and returns zero, or — when a bucket the
    /// key falls in is full — records nothing and returns how long until it may try.
    /// </summary>
    public TimeSpan BeginAttempt(string key)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var wait = WaitLocked(key, now);
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            EnqueueLocked(key, now);
            return TimeSpan.Zero;
        }
    }

    /// <summary>Zero when the key may try; else how long until it may.</summary>
    public TimeSpan RetryAfter(string key)
    {
        lock (_lock)
        {
            return WaitLocked(key, time.GetUtcNow());
        }
    }

    public bool IsBlocked(string key) => RetryAfter(key) > TimeSpan.Zero;

    public void RecordFailure(string key)
    {
        lock (_lock)
        {
            EnqueueLocked(key, time.GetUtcNow());
        }
    }

    /// <summary>
    /// The attempt <see cref="BeginAttempt"/> reserved succeeded: forgets the address's failures and removes one
    /// reservation from its network and global buckets (the newest: the count is what blocks, and an older entry
    /// left in place only ages out sooner).
    /// </summary>
    public void RecordSuccess(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
            foreach (var (bucket, _) in Buckets(key).Skip(1))
            {
                if (_failures.TryGetValue(bucket, out var entries) && entries.Count > 0)
                {
                    entries.RemoveAt(entries.Count - 1);
                    if (entries.Count == 0)
                    {
                        _failures.Remove(bucket);
                    }
                }
            }
        }
    }

    private IEnumerable<(string Bucket, int Limit)> Buckets(string key)
    {
        yield return (key, MaxFailures);
        if (NetworkOf(key) is { } network)
        {
            yield return (network, MaxNetworkFailures);
        }

        yield return (GlobalKey, MaxGlobalFailures);
    }

    private TimeSpan WaitLocked(string key, DateTimeOffset now)
    {
        var wait = TimeSpan.Zero;
        foreach (var (bucket, limit) in Buckets(key))
        {
            if (_failures.TryGetValue(bucket, out var queue))
            {
                Prune(queue, now);
                if (queue.Count == 0)
                {
                    _failures.Remove(bucket); // keeps the dictionary as small as the recent failures
                }
                else if (queue.Count >= limit)
                {
                    // The bucket frees a slot when its (count - limit + 1)-th oldest failure ages out.
                    var until = queue[queue.Count - limit] + Window - now;
                    wait = until > wait ? until : wait;
                }
            }
        }

        return wait;
    }

    private void EnqueueLocked(string key, DateTimeOffset now)
    {
        foreach (var (bucket, _) in Buckets(key))
        {
            if (!_failures.TryGetValue(bucket, out var entries))
            {
                _failures[bucket] = entries = [];
            }

            Prune(entries, now);
            entries.Add(now);
        }
    }

    // Entries are in time order: the aged-out ones are a prefix.
    private static void Prune(List<DateTimeOffset> entries, DateTimeOffset now)
    {
        var aged = 0;
        while (aged < entries.Count && now - entries[aged] >= Window)
        {
            aged++;
        }

        entries.RemoveRange(0, aged);
    }
}
