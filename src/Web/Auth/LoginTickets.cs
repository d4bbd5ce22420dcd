using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Gateway.Web.Auth;

/// <summary>
/// One-time tickets that turn a completed setup into a signed-in browser (<c>GET /account/ticket?t=…</c>):
/// random, single use, valid for two minutes, kept only in memory.
/// </summary>
public sealed class LoginTickets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _tickets = new(StringComparer.Ordinal);

    public string Issue()
    {
        var now = time.GetUtcNow();
        foreach (var (key, expires) in _tickets)
        {
            if (expires <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var ticket = Base64Url(RandomNumberGenerator.GetBytes(32));
        _tickets[ticket] = now + Lifetime;
        return ticket;
    }

    /// <summary>True once for a live ticket; the ticket is gone afterwards either way.</summary>
    public bool TryRedeem(string? ticket) =>
        !string.IsNullOrEmpty(ticket) && _tickets.TryRemove(ticket, out var expires) && expires > time.GetUtcNow();

    internal static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
