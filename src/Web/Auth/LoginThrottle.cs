using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Gateway.Web.Auth;

/// <summary>
/// Failed password attempts per client address (HTTP Basic and the login form share it):
/// after <see cref="MaxFailures"/> failures within <see cref="Window"/> the address gets 429 until the
/// oldest failure ages out. A success clears the address's record.
/// Callers reserve an attempt with <see cref="BeginAttempt"/> before the (slow) password check: checking
/// first and recording the failure afterwards would let a burst of parallel guesses all pass the check.
/// IPv6 clients are counted per /64, the block one home or host can rotate addresses in at will.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Counts one attempt as a failure up front (a success clears it) and returns zero, or — when the address
    /// already has <see cref="MaxFailures"/> — records nothing and returns how long until it may try.
    /// </summary>
    public TimeSpan BeginAttempt(string key)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            if (queue.Count >= MaxFailures)
            {
                return queue.Peek() + Window - now;
            }

            queue.Enqueue(now);
            return TimeSpan.Zero;
        }
    }

    /// <summary>Zero when the address may try; else how long until it may.</summary>
    public TimeSpan RetryAfter(string key)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return TimeSpan.Zero;
        }

        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            return queue.Count < MaxFailures ? TimeSpan.Zero : queue.Peek() + Window - now;
        }
    }

    public bool IsBlocked(string key) => RetryAfter(key) > TimeSpan.Zero;

    public void RecordFailure(string key)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            queue.Enqueue(now);
        }
    }

    public void RecordSuccess(string key) => _failures.TryRemove(key, out _);

    private static void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && now - queue.Peek() >= Window)
        {
            queue.Dequeue();
        }
    }
}
