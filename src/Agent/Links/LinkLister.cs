using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gateway.Agent.Routing;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Links;

/// <summary>The network links of the agent's namespace, for <c>get-interfaces</c>.</summary>
public static class LinkLister
{
    public static IReadOnlyList<LinkInfo> List()
    {
        var links = new List<LinkInfo>();
        var uplinks = Uplinks.Read();
        var masters = Masters();
        var foreign = ForeignAddresses.Read();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces().OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var bytes = nic.GetPhysicalAddress().GetAddressBytes();
            // Loopback and tunnels (ppp, wireguard) have no hardware address: report null rather than zeros.
            var mac = bytes.Length == 6 && bytes.Any(b => b != 0) ? string.Join(':', bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) : null;
            var addresses = nic.GetIPProperties().UnicastAddresses
                .Where(a => a.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                // IPv6 link-local addresses print with a "%scope" suffix; the link already says which one.
                .Select(a => $"{a.Address.ToString().Split('%')[0]}/{a.PrefixLength}")
                .ToList();
            // Unknown is what a link without carrier detection (lo, some veths) reports while usable.
            var up = nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown;
            links.Add(new LinkInfo(nic.Name, mac, addresses, up, uplinks.Contains(nic.Name, StringComparer.Ordinal), masters.GetValueOrDefault(nic.Name),
                foreign.Gateway(nic.Name), foreign.Neighbours(nic.Name)));
        }

        return links;
    }

    /// <summary>
    /// Each enslaved link's master by name (a bridge port's bridge), from an rtnetlink dump of this thread's namespace:
    /// the panel marks bridge ports so nobody picks one as the WAN. Empty when the dump fails; the list still serves.
    /// </summary>
    private static Dictionary<string, string> Masters()
    {
        try
        {
            var links = new RoutingKernel().Links();
            var names = links.ToDictionary(l => l.Index, l => l.Name);
            return links.Where(l => l.Master != 0 && names.ContainsKey(l.Master))
                .ToDictionary(l => l.Name, l => names[l.Master], StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is RoutingException or InvalidDataException)
        {
            return [];
        }
    }
}
