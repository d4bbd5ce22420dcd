using Gateway.Shared.Validation;

namespace Gateway.Shared.Config;

/// <summary>
/// DHCP for the LAN, served by the agent's dnsmasq on the LAN link only. <see cref="Domain"/> is also the local DNS
/// domain (<c>name.lan</c>). A snapshot without <c>dhcp</c> has DHCP off: a router that ran before the agent served
/// DHCP must not start a second DHCP server on a LAN that already has one; setup turns it on.
/// </summary>
public sealed record DhcpSettings(
    bool Enabled,
    string? RangeStart,
    string? RangeEnd,
    int LeaseSeconds = DhcpSettings.DefaultLeaseSeconds,
    string Domain = DhcpSettings.DefaultDomain)
{
    public const int DefaultLeaseSeconds = 43200;
    public const int MinLeaseSeconds = 120;
    public const int MaxLeaseSeconds = 31536000;
    public const string DefaultDomain = "lan";

    public static DhcpSettings Off { get; } = new(false, null, null);

    /// <summary>
    /// The range setup serves for <paramref name="lanAddress"/> ("192.168.1.1/24"): .100–.249 of a /24, the upper
    /// part of the host range otherwise, never the router's own address. Null for a LAN too small to hold one.
    /// </summary>
    public static (string Start, string End)? DefaultRange(string lanAddress) =>
        Ipv4Cidr.TryParse(lanAddress, false, out var lan) ? DhcpRange.Default(lan) : null;

    /// <summary>
    /// The same host numbers in the LAN <paramref name="newLan"/> (a LAN change moves the range with it), clipped to
    /// its host range and kept off the router's address; the default range when nothing usable is left.
    /// </summary>
    public DhcpSettings MovedTo(string oldLan, string newLan)
    {
        if (!Ipv4Cidr.TryParse(newLan, false, out var to))
        {
            return this;
        }

        var moved = Ipv4Cidr.TryParse(oldLan, false, out var from) ? DhcpRange.Move(RangeStart, RangeEnd, from, to) : null;
        moved ??= DhcpRange.Default(to);
        return moved is { } range ? this with { RangeStart = range.Start, RangeEnd = range.End } : this with { Enabled = false };
    }
}

/// <summary>A device that always gets <see cref="Address"/> from DHCP and whose <see cref="Name"/> resolves on the LAN.</summary>
public sealed record StaticLease(int Id, string Name, string Mac, string Address, bool Enabled = true);

/// <summary>
/// The router's resolver for the LAN. <see cref="Upstream"/> empty: the servers the WAN learnt, else the host's
/// resolver. <see cref="Hosts"/>: extra local names. A snapshot without <c>dns</c> has it off (as for DHCP).
/// </summary>
public sealed record DnsSettings(bool Enabled = true, IReadOnlyList<string>? Upstream = null, IReadOnlyList<DnsHost>? Hosts = null)
{
    public static DnsSettings Off { get; } = new(false);

    public static DnsSettings Default { get; } = new(true);

    public IReadOnlyList<string> Upstream { get; init; } = Upstream ?? [];

    public IReadOnlyList<DnsHost> Hosts { get; init; } = Hosts ?? [];
}

/// <summary>One extra local name: <see cref="Name"/> (a host name or a dotted name) to an IPv4 or IPv6 address.</summary>
public sealed record DnsHost(string Name, string Address);
