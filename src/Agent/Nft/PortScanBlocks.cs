using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Agent.Interop;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// The port-scan block sets (<c>ps_block4</c>, <c>ps_block6</c>) as the kernel holds them: listed with their
/// expiry, one source freed, and carried over a whole-table replace. The packet path fills them; the agent only
/// reads them, deletes from them, and re-adds what a replace would otherwise forget.
/// </summary>
public static class PortScanBlocks
{
    /// <summary>A blocked element as listed: the set, its key text, and the seconds left.</summary>
    public sealed record Element(string Set, string Key, long SecondsLeft);

    /// <summary>Every element of both block sets now; empty when the sets are absent (protection off, lockdown).</summary>
    public static IReadOnlyList<Element> List()
    {
        var elements = new List<Element>();
        foreach (var set in new[] { RulesetCompiler.PortScanBlock4, RulesetCompiler.PortScanBlock6 })
        {
            var result = NftApplier.Run($"list set inet {RulesetCompiler.TableName} {set}", LibNftables.OutputJson);
            if (result.Ok)
            {
                elements.AddRange(Parse(set, result.Output));
            }
        }

        return elements;
    }

    /// <summary>The elements as the REST API shows them: earliest expiry first.</summary>
    public static IReadOnlyList<BlockedSource> Sources(IReadOnlyList<Element> elements, DateTimeOffset now) =>
        [.. elements.OrderBy(e => e.SecondsLeft).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new BlockedSource(e.Key, now.AddSeconds(e.SecondsLeft)))];

    /// <summary>
    /// The elements of one set in a <c>nft -j list set</c> listing: <c>{"elem": {"val": "…", "expires": n}}</c> each
    /// (a timeout set lists every element so); anything else is skipped.
    /// </summary>
    public static IEnumerable<Element> Parse(string set, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var found = new List<Element>();
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return found;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var body) || !body.TryGetProperty("elem", out var elems) || elems.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var elem in elems.EnumerateArray())
            {
                if (elem.TryGetProperty("elem", out var inner)
                    && inner.TryGetProperty("val", out var val) && val.ValueKind == JsonValueKind.String
                    && IPAddress.TryParse(val.GetString(), out var address)
                    && inner.TryGetProperty("expires", out var expires) && expires.TryGetInt64(out var seconds) && seconds > 0)
                {
                    found.Add(new Element(set, address.ToString(), seconds));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The lines that put <paramref name="blocked"/> back into the block sets of <paramref name="table"/> (when it
    /// declares them), each with the time it had left, so an apply neither frees a source nor blocks it longer.
    /// </summary>
    public static string CarryScript(string table, IReadOnlyList<Element> blocked)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(blocked);
        var script = new StringBuilder();
        foreach (var group in blocked.GroupBy(e => e.Set, StringComparer.Ordinal))
        {
            if (!table.Contains($"\tset {group.Key} {{", StringComparison.Ordinal))
            {
                continue;
            }

            // Keys come from the kernel re-formatted by IPAddress: never user text.
            script.Append("add element inet ").Append(RulesetCompiler.TableName).Append(' ').Append(group.Key).Append(" { ")
                .AppendJoin(", ", group.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} timeout {e.SecondsLeft}s")))
                .Append(" }\n");
        }

        return script.ToString();
    }

    /// <summary>The set and key a source is blocked under: IPv4 as it is, IPv6 by its /64; null for anything else.</summary>
    public static (string Set, string Key)? KeyOf(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || address.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return (RulesetCompiler.PortScanBlock4, ip.ToString());
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            return (RulesetCompiler.PortScanBlock4, ip.MapToIPv4().ToString());
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return (RulesetCompiler.PortScanBlock6, new IPAddress(bytes).ToString());
    }

    /// <summary>Deletes one blocked source; false when it was not blocked (or the sets are absent).</summary>
    public static bool Free(string address)
    {
        if (KeyOf(address) is not { } key || !List().Any(e => e.Set == key.Set && e.Key == key.Key))
        {
            return false;
        }

        return NftApplier.Run($"delete element inet {RulesetCompiler.TableName} {key.Set} {{ {key.Key} }}").Ok;
    }
}
