using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Agent.Routing;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Links;

/// <summary>
/// The neighbour tables of the agent's namespace, for <c>get-neighbours</c>. IPv4 (ARP) from <c>/proc/net/arp</c>,
/// which follows the reader's network namespace; IPv6 has no procfs table, so an rtnetlink RTM_GETNEIGH dump.
/// </summary>
public static class NeighbourTable
{
    public const string ProcPath = "/proc/net/arp";

    // ATF_COM: the kernel has resolved the hardware address. Without it the entry is incomplete (flags 0x0).
    private const int CompleteFlag = 0x2;

    /// <summary>IPv4 then IPv6 neighbours. An IPv6 dump that fails (IPv6 off in the kernel) leaves IPv4 only.</summary>
    public static IReadOnlyList<Neighbour> Read()
    {
        var neighbours = Parse(File.ReadAllText(ProcPath)).ToList();
        try
        {
            neighbours.AddRange(Ipv6(new RoutingKernel().Ipv6Neighbours()));
        }
        catch (Exception ex) when (ex is RoutingException or InvalidDataException)
        {
            // The IPv4 table is still worth showing.
        }

        return neighbours;
    }

    /// <summary>
    /// The resolved IPv6 entries (reachable, stale, delay, probe, permanent) with a MAC, link-local ones included
    /// (the web shows what the router sees; only pinholes narrow it to global and unique-local addresses).
    /// </summary>
    public static IReadOnlyList<Neighbour> Ipv6(IEnumerable<KernelNeighbour> neighbours) =>
        [.. neighbours
            .Where(n => n.Usable && n.Mac is not null && IPAddress.TryParse(n.Address, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6Multicast)
            .Select(n => new Neighbour(n.Address, n.Mac!, n.Link))
            .OrderBy(n => n.Interface, StringComparer.Ordinal)
            .ThenBy(n => n.Address, StringComparer.Ordinal)];

    /// <summary>
    /// Parses the table's text: a header line, then "IP  HW-type  Flags  HW-address  Mask  Device" per entry.
    /// Incomplete entries, all-zero or malformed MACs and lines that don't fit are skipped, not fatal.
    /// </summary>
    public static IReadOnlyList<Neighbour> Parse(string text)
    {
        var neighbours = new List<Neighbour>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6
                || !IPAddress.TryParse(fields[0], out var address)
                || address.AddressFamily != AddressFamily.InterNetwork
                || !TryParseHex(fields[2], out var flags)
                || (flags & CompleteFlag) == 0
                || !MacAddress.TryNormalize(fields[3], out var mac)
                || mac == "00:00:00:00:00:00")
            {
                continue;
            }

            neighbours.Add(new Neighbour(address.ToString(), mac, fields[5]));
        }

        return neighbours;
    }

    private static bool TryParseHex(string text, out int value)
    {
        value = 0;
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
