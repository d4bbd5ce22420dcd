using System.Net.NetworkInformation;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Links;

/// <summary>
/// IPv4 addresses other hosts hold on the router's links: each link's default gateway (<c>/proc/net/route</c>) and
/// the resolved ARP entries (reachable, stale, delay or probe; <c>/proc/net/arp</c>) whose MAC is none of the
/// router's own. Taking one of them as a 1:1 external address would answer ARP for another host's address.
/// </summary>
public sealed class ForeignAddresses
{
    private readonly IReadOnlyDictionary<string, string> _gateways;
    private readonly IReadOnlyList<Neighbour> _neighbours;

    public ForeignAddresses(IReadOnlyDictionary<string, string> gateways, IReadOnlyList<Neighbour> neighbours, IEnumerable<string> ownMacs)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        ArgumentNullException.ThrowIfNull(neighbours);
        var own = ownMacs.ToHashSet(StringComparer.OrdinalIgnoreCase);
        _gateways = gateways;
        _neighbours = [.. neighbours.Where(n => !own.Contains(n.Mac))];
    }

    /// <summary>This namespace's, now. A table that can't be read counts as empty: the check is a guard, not a gate.</summary>
    public static ForeignAddresses Read()
    {
        IReadOnlyList<Neighbour> neighbours;
        try
        {
            neighbours = NeighbourTable.Parse(File.ReadAllText(NeighbourTable.ProcPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            neighbours = [];
        }

        var macs = NetworkInterface.GetAllNetworkInterfaces()
            .Select(n => n.GetPhysicalAddress().GetAddressBytes())
            .Where(b => b.Length == 6)
            .Select(b => string.Join(':', b.Select(x => x.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
        return new ForeignAddresses(Uplinks.Ipv4Gateways(), neighbours, macs);
    }

    /// <summary>The link's IPv4 default gateway, or null.</summary>
    public string? Gateway(string link) => _gateways.GetValueOrDefault(link);

    /// <summary>The IPv4 addresses other hosts answer for on the link, sorted.</summary>
    public IReadOnlyList<string> Neighbours(string link) =>
        [.. _neighbours.Where(n => n.Interface == link).Select(n => n.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Why <paramref name="address"/> belongs to another host on <paramref name="link"/>, or null when nothing says so.</summary>
    public string? Claim(string link, string address)
    {
        if (Gateway(link) == address)
        {
            return $"is the gateway of {link}'s default route";
        }

        var neighbour = _neighbours.FirstOrDefault(n => n.Interface == link && n.Address == address);
        return neighbour is null ? null : $"is answered for by {neighbour.Mac} on {link} (the router's neighbour table)";
    }
}
