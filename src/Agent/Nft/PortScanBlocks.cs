using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// The port-scan block sets (<c>ps_block4</c>, <c>ps_block6</c>) as the kernel holds them: listed with their
/// expiry, one source freed, and carried over a whole-table replace. The packet path fills them; the agent only
/// reads them, deletes from them, and re-adds what a replace would otherwise forget.
/// </summary>
public static class PortScanBlocks
{
    /// <summary>Every element of both block sets now; empty when the sets are absent (protection off, lockdown).</summary>
    public static IReadOnlyList<TimedElement> List() =>
        TimedElements.List([RulesetCompiler.PortScanBlock4, RulesetCompiler.PortScanBlock6], KeyOfListed);

    /// <summary>The elements as the REST API shows them: earliest expiry first.</summary>
    public static IReadOnlyList<BlockedSource> Sources(IReadOnlyList<TimedElement> elements, DateTimeOffset now) =>
        [.. elements.OrderBy(e => e.SecondsLeft).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new BlockedSource(e.Key, now.AddSeconds(e.SecondsLeft)))];

    /// <summary>The elements of one block set in a <c>nft -j list set</c> listing (<see cref="TimedElements.Parse"/>).</summary>
    public static IReadOnlyList<TimedElement> Parse(string set, string json) => TimedElements.Parse(set, json, KeyOfListed);

    /// <summary>A listed value: an address, re-printed by <see cref="IPAddress"/>.</summary>
    private static string? KeyOfListed(JsonElement val) =>
        val.ValueKind == JsonValueKind.String && IPAddress.TryParse(val.GetString(), out var address) ? address.ToString() : null;

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
