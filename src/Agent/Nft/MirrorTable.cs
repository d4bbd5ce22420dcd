using System.Globalization;
using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>
/// Traffic mirrors compiled into <c>table netdev gateway_mirror</c>: per mirror and direction one base chain on the
/// mirrored link's <c>ingress</c> ("in") or <c>egress</c> ("out") hook whose only statement is <c>dup to</c> the
/// target link, behind the mirror's source/destination filters.
/// </summary>
/// <remarks>
/// Why netdev and not <c>dup</c> in <c>table inet gateway</c>: the inet form (<c>dup to &lt;address&gt; device
/// &lt;link&gt;</c>) routes the copy to a next hop, ARPs for it and sends nothing when no host answers there; the
/// contract gives only a link. The netdev form puts the frame as it is (MACs and all) on the target link's queue:
/// nothing on the copy's way passes the IP hooks, so copies are neither firewalled, NATed nor tracked, and the
/// original goes on untouched. netdev chains are bound to one device and <c>table inet</c> can't hold them, hence a
/// second table of the agent's own. Measured in the lab: on the LAN bridge, ingress sees what LAN hosts send to the
/// router (LAN → WAN before masquerade) and egress what the router sends into the bridge (WAN → LAN after
/// un-NAT), so both directions of LAN ↔ WAN traffic are copied from the bridge alone, and the same holds on a veth
/// WAN link (its addresses as the WAN sees them). Pure: the links the kernel has now come in as an argument.
/// </remarks>
public static class MirrorTable
{
    public const string TableName = "gateway_mirror";

    /// <summary>
    /// The table text (null when no enabled mirror can be placed), and the mirrors left out: a link that does not
    /// exist now (the next apply places it) — <c>dup to</c> needs its target at load time.
    /// </summary>
    public static (string? Table, IReadOnlyList<string> Skipped) Compile(GatewayConfig config, IReadOnlyCollection<string> links)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(links);
        var skipped = new List<string>();
        var text = new StringBuilder();
        foreach (var mirror in config.Mirrors.Where(m => m.Enabled).OrderBy(m => m.Id))
        {
            if (!links.Contains(mirror.Interface) || !links.Contains(mirror.ToInterface))
            {
                skipped.Add(string.Create(CultureInfo.InvariantCulture, $"mirror {mirror.Id}: {(links.Contains(mirror.Interface) ? mirror.ToInterface : mirror.Interface)} does not exist"));
                continue;
            }

            var filter = Filter(mirror);
            var id = mirror.Id.ToString(CultureInfo.InvariantCulture);
            if (mirror.Direction is MirrorDirection.In or MirrorDirection.Both)
            {
                Chain(text, $"m{id}_in", "ingress", mirror, filter);
            }

            if (mirror.Direction is MirrorDirection.Out or MirrorDirection.Both)
            {
                Chain(text, $"m{id}_out", "egress", mirror, filter);
            }
        }

        return (text.Length == 0 ? null : $"table netdev {TableName} {{\n\tcomment \"Gateway: traffic mirrors, written by the agent\"\n{text}}}\n", skipped);
    }

    /// <summary>The script that makes the kernel hold exactly <paramref name="table"/> (none when null), in one transaction.</summary>
    public static string Script(string? table) =>
        $"add table netdev {TableName}\ndelete table netdev {TableName}\n{table}";

    /// <summary>
    /// The first enabled mirror whose copies would come back to be copied again through a bridge: its target is a port
    /// of the mirrored bridge, or the bridge of the mirrored port. Null when none (or the links are unknown).
    /// </summary>
    public static string? Loop(GatewayConfig config, IReadOnlyList<LinkInfo> links)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(links);
        var masters = links.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Master, StringComparer.Ordinal);
        for (var i = 0; i < config.Mirrors.Count; i++)
        {
            var mirror = config.Mirrors[i];
            if (mirror.Enabled && (masters.GetValueOrDefault(mirror.ToInterface) == mirror.Interface || masters.GetValueOrDefault(mirror.Interface) == mirror.ToInterface))
            {
                return string.Create(CultureInfo.InvariantCulture, $"mirrors[{i}].toInterface: {mirror.ToInterface} and {mirror.Interface} are a bridge and one of its ports; the copies would be copied again.");
            }
        }

        return null;
    }

    private static void Chain(StringBuilder text, string name, string hook, Mirror mirror, string filter) =>
        text.Append('\t').Append("chain ").Append(name).Append(" {\n")
            .Append("\t\ttype filter hook ").Append(hook).Append(" device \"").Append(Link(mirror.Interface)).Append("\" priority filter; policy accept;\n")
            .Append("\t\t").Append(filter).Append("dup to \"").Append(Link(mirror.ToInterface)).Append("\"\n")
            .Append("\t}\n");

    /// <summary>The mirror's address filters (the validator keeps both of one family), each re-formatted, never user text.</summary>
    private static string Filter(Mirror mirror)
    {
        var filter = new StringBuilder();
        foreach (var (cidr, field) in new[] { (mirror.Source, "saddr"), (mirror.Destination, "daddr") })
        {
            if (cidr is null)
            {
                continue;
            }

            if (!IpNetwork.TryParse(cidr, out var network))
            {
                throw new ArgumentException($"Mirror {mirror.Id}: bad {field} filter.");
            }

            filter.Append(network.IsIpv6 ? "ip6 " : "ip ").Append(field).Append(' ').Append(network.NetworkText).Append(' ');
        }

        return filter.ToString();
    }

    private static string Link(string name) =>
        FieldRules.IsLinkName(name) ? name : throw new ArgumentException("Invalid interface name.", nameof(name));
}
