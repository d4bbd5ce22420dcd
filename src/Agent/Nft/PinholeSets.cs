using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>
/// What the <c>ph_mac_&lt;id&gt;</c> sets of MAC pinholes should hold: for each enabled pinhole with a MAC, the
/// global and unique-local IPv6 addresses the neighbour table resolves to that MAC on the LAN link. Link-local,
/// multicast and unresolved (INCOMPLETE/FAILED) entries never admit anything.
/// </summary>
public static class PinholeSets
{
    /// <summary>Pinhole id → sorted addresses; every enabled MAC pinhole has an entry (empty when its host is unseen).</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> Wanted(GatewayConfig? config, IEnumerable<KernelNeighbour> neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        var wanted = new Dictionary<int, IReadOnlyList<string>>();
        if (config is null || !config.Network.Ipv6Enabled)
        {
            return wanted;
        }

        var lan = config.Network.LanInterface;
        var byMac = neighbours
            .Where(n => n.Usable && n.Link == lan && n.Mac is not null && IsRoutable(n.Address))
            .GroupBy(n => n.Mac!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(n => n.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var pinhole in config.Pinholes.Where(p => p.Enabled && p.Id > 0 && p.Mac is not null))
        {
            wanted[pinhole.Id] = MacAddress.TryNormalize(pinhole.Mac, out var mac) && byMac.TryGetValue(mac, out var addresses) ? addresses : [];
        }

        return wanted;
    }

    /// <summary>A global or unique-local unicast IPv6 address (what a pinhole may admit from the WAN).</summary>
    public static bool IsRoutable(string address) =>
        IPAddress.TryParse(address, out var ip)
        && ip.AddressFamily == AddressFamily.InterNetworkV6
        && !ip.IsIPv6LinkLocal
        && !ip.IsIPv6Multicast
        && !ip.IsIPv6SiteLocal
        && !ip.IsIPv4MappedToIPv6
        && !IPAddress.IPv6Loopback.Equals(ip)
        && !IPAddress.IPv6None.Equals(ip);

    /// <summary>
    /// One libnftables script (one transaction) that makes each given set hold exactly its addresses: flush, then
    /// add. Atomic, so a packet never meets a half-written set, and independent of what the set held before.
    /// </summary>
    public static string Script(IReadOnlyDictionary<int, IReadOnlyList<string>> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var script = new StringBuilder();
        foreach (var (id, addresses) in sets.OrderBy(s => s.Key))
        {
            var name = RulesetCompiler.PinholeMacSetName(id);
            script.Append("flush set inet ").Append(RulesetCompiler.TableName).Append(' ').Append(name).Append('\n');
            if (addresses.Count > 0)
            {
                // Addresses come from the kernel's neighbour table, re-formatted by IPAddress: never user text.
                script.Append("add element inet ").Append(RulesetCompiler.TableName).Append(' ').Append(name)
                    .Append(" { ").Append(string.Join(", ", addresses.Select(a => IPAddress.Parse(a).ToString()))).Append(" }\n");
            }
        }

        return script.ToString();
    }

    /// <summary>The sets whose wanted content differs from what was last written (all of them when <paramref name="written"/> is null).</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> Changed(
        IReadOnlyDictionary<int, IReadOnlyList<string>> wanted,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? written) =>
        wanted.Where(w => written is null || !written.TryGetValue(w.Key, out var old) || !old.SequenceEqual(w.Value, StringComparer.Ordinal))
            .ToDictionary(w => w.Key, w => w.Value);
}
