using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>A fixed-size ring of the most recent firewall log entries; thread-safe.</summary>
internal sealed class LogRing(int capacity)
{
    private readonly FirewallLogEntry[] _entries = new FirewallLogEntry[Math.Max(1, capacity)];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public void Add(FirewallLogEntry entry)
    {
        lock (_lock)
        {
            _entries[_next] = entry;
            _next = (_next + 1) % _entries.Length;
            _count = Math.Min(_count + 1, _entries.Length);
        }
    }

    /// <summary>Newest first; entries at <paramref name="minLevel"/> or more severe (Off means every level).</summary>
    public IReadOnlyList<FirewallLogEntry> Recent(FirewallLogLevel minLevel, int limit)
    {
        var result = new List<FirewallLogEntry>(Math.Clamp(limit, 0, _entries.Length));
        lock (_lock)
        {
            for (var i = 1; i <= _count && result.Count < limit; i++)
            {
                var entry = _entries[(_next - i + _entries.Length) % _entries.Length];
                if (minLevel == FirewallLogLevel.Off || entry.Level <= minLevel)
                {
                    result.Add(entry);
                }
            }
        }

        return result;
    }
}
