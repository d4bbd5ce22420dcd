using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Wan;

/// <summary>
/// What the agent learnt about the uplink from dhcpcd's events (or set in static mode), with the change counters.
/// Thread-safe: the supervisor writes, the socket's status request reads.
/// </summary>
public sealed class WanState(TimeProvider time)
{
    public const string Address = "address";
    public const string Renewal = "renewal";
    public const string Prefix = "prefix";
    public const string ClientRestart = "client-restart";

    private static readonly string[] Kinds = [Address, Renewal, Prefix, ClientRestart];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _counts = Kinds.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
    private string? _address;
    private string? _gateway;
    private IReadOnlyList<string> _dns4 = [];
    private IReadOnlyList<string> _dns6 = [];
    private DateTimeOffset? _leaseExpiresAt;
    private string? _prefix;
    private DateTimeOffset? _lastChange;

    /// <summary>The DNS servers learnt from the ISP (IPv4 then IPv6), for the LAN resolver's upstream.</summary>
    public IReadOnlyList<string> LearntDns
    {
        get
        {
            lock (_lock)
            {
                return [.. _dns4, .. _dns6];
            }
        }
    }

    public string? DelegatedPrefix
    {
        get
        {
            lock (_lock)
            {
                return _prefix;
            }
        }
    }

    /// <summary>The lease's "a.b.c.d/len", its gateway and the delegated prefix as the client last reported them.</summary>
    public (string? Address, string? Gateway, string? Prefix) Held()
    {
        lock (_lock)
        {
            return (_address, _gateway, _prefix);
        }
    }

    /// <summary>Takes one event in; returns the kinds of change it made (for the counters and the log).</summary>
    public IReadOnlyList<string> Apply(DhcpcdEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kinds = new List<string>();
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (DhcpcdEvent.Bound4.Contains(e.Reason) && e.NewAddress is { } address)
            {
                kinds.Add(address == _address ? Renewal : Address);
                _address = address;
                _gateway = e.Router;
                _dns4 = e.Servers("new_domain_name_servers");
                _leaseExpiresAt = e.LeaseSeconds is { } s ? now.AddSeconds(s) : null;
            }
            else if (DhcpcdEvent.Lost4.Contains(e.Reason) && e.Get("protocol") is null or "dhcp" && _address is not null)
            {
                kinds.Add(Address);
                _address = null;
                _gateway = null;
                _dns4 = [];
                _leaseExpiresAt = null;
            }

            if (DhcpcdEvent.Bound6.Contains(e.Reason))
            {
                _dns6 = e.Servers("new_dhcp6_name_servers");
                var prefix = e.DelegatedPrefix;
                if (prefix != _prefix)
                {
                    kinds.Add(Prefix);
                    _prefix = prefix;
                }
            }
            else if ((DhcpcdEvent.Lost6.Contains(e.Reason) || (DhcpcdEvent.Lost4.Contains(e.Reason) && e.Get("protocol") == "dhcp6")) && (_prefix is not null || _dns6.Count > 0))
            {
                if (_prefix is not null)
                {
                    kinds.Add(Prefix);
                }

                _prefix = null;
                _dns6 = [];
            }

            Count(kinds, now);
        }

        return kinds;
    }

    /// <summary>The client died and was started again.</summary>
    public void ClientRestarted()
    {
        lock (_lock)
        {
            Count([ClientRestart], time.GetUtcNow());
        }
    }

    /// <summary>Forgets the learnt lease (the client stopped, or the mode changed); counts nothing.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (_address is not null || _prefix is not null)
            {
                _lastChange = time.GetUtcNow();
            }

            _address = null;
            _gateway = null;
            _dns4 = [];
            _dns6 = [];
            _leaseExpiresAt = null;
            _prefix = null;
        }
    }

    /// <summary>The status for <paramref name="wan"/>'s mode, with the link's live addresses and gateway.</summary>
    public WanStatusReply Reply(WanSettings wan, LinkInfo? link, IReadOnlyList<string> ipv6Addresses)
    {
        ArgumentNullException.ThrowIfNull(wan);
        lock (_lock)
        {
            // The link's IPv4 addresses, then its global IPv6 ones (never link-local), each once.
            var ipv4 = link is null ? [] : link.Addresses.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToList();
            var addresses = ipv4.Concat(ipv6Addresses).Distinct(StringComparer.Ordinal).ToList();
            var dns = wan.Mode == WanMode.Static ? [.. wan.Dns, .. _dns6] : (IReadOnlyList<string>)[.. _dns4, .. _dns6];
            var status = new WanStatus(
                wan.Mode,
                link is { Up: true } && ipv4.Count > 0,
                addresses,
                link?.Gateway ?? (wan.Mode == WanMode.Dhcp ? _gateway : null),
                wan.Mode == WanMode.Unmanaged ? [] : dns,
                wan.Mode == WanMode.Dhcp ? _leaseExpiresAt : null,
                _prefix,
                _lastChange);
            return new WanStatusReply(status, [.. Kinds.Select(k => new WanChangeCount(k, _counts[k]))]);
        }
    }

    private void Count(IEnumerable<string> kinds, DateTimeOffset now)
    {
        foreach (var kind in kinds)
        {
            _counts[kind]++;
            _lastChange = now;
        }
    }
}
