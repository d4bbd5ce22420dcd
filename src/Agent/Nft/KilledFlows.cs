using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Gateway.Agent.Nft;

/// <summary>One direction of a TCP flow as its segments arrive at the router: source, source port, destination, destination port.</summary>
public sealed record FlowTuple(IPAddress Source, int SourcePort, IPAddress Destination, int DestinationPort);

/// <summary>
/// The killed-flow sets (<c>killed_tcp4</c>, <c>killed_tcp6</c>, <see cref="RulesetCompiler.KilledTcp4"/>): the
/// script that adds a killed connection's two directions, and the carry-over of their elements across a whole-table
/// replace. The agent is the only writer; elements expire by themselves.
/// </summary>
public static class KilledFlows
{
    /// <summary>
    /// One <c>add element</c> command per family that puts <paramref name="tuples"/> into the sets (with the sets'
    /// own timeout); empty when none is an IPv4 or IPv6 tuple with valid ports.
    /// </summary>
    public static string AddScript(IEnumerable<FlowTuple> tuples)
    {
        ArgumentNullException.ThrowIfNull(tuples);
        var script = new StringBuilder();
        foreach (var group in tuples.Select(t => (Set: SetOf(t), Key: KeyOf(t))).Where(t => t.Set is not null && t.Key is not null).GroupBy(t => t.Set!, StringComparer.Ordinal))
        {
            script.Append("add element inet ").Append(RulesetCompiler.TableName).Append(' ').Append(group.Key).Append(" { ")
                .AppendJoin(", ", group.Select(t => t.Key).Distinct(StringComparer.Ordinal)).Append(" }\n");
        }

        return script.ToString();
    }

    /// <summary>The set a tuple belongs in: both ends of one family; null for a mixed or other tuple.</summary>
    public static string? SetOf(FlowTuple tuple)
    {
        ArgumentNullException.ThrowIfNull(tuple);
        var family = tuple.Source.AddressFamily;
        if (family != tuple.Destination.AddressFamily)
        {
            return null;
        }

        return family switch
        {
            AddressFamily.InterNetwork => RulesetCompiler.KilledTcp4,
            AddressFamily.InterNetworkV6 when !tuple.Source.IsIPv4MappedToIPv6 && !tuple.Destination.IsIPv4MappedToIPv6 => RulesetCompiler.KilledTcp6,
            _ => null,
        };
    }

    /// <summary>
    /// The element key of a tuple, formatted from parsed values only (addresses re-printed without a scope, ports as
    /// numbers 0–65535); null when a part is out of range.
    /// </summary>
    public static string? KeyOf(FlowTuple tuple)
    {
        ArgumentNullException.ThrowIfNull(tuple);
        if (SetOf(tuple) is null || !IsPort(tuple.SourcePort) || !IsPort(tuple.DestinationPort))
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Address(tuple.Source)} . {tuple.SourcePort} . {Address(tuple.Destination)} . {tuple.DestinationPort}");
    }

    /// <summary>Every element of both sets now; empty when the sets are absent (lockdown, no table).</summary>
    public static IReadOnlyList<TimedElement> List() =>
        TimedElements.List([RulesetCompiler.KilledTcp4, RulesetCompiler.KilledTcp6], KeyOfListed);

    /// <summary>
    /// The elements of one set in a <c>nft -j list set</c> listing, each <c>{"val": {"concat": [addr, port, addr,
    /// port]}}</c> (<see cref="TimedElements.Parse"/>); a value with a part that does not parse is skipped.
    /// </summary>
    public static IReadOnlyList<TimedElement> Parse(string set, string json) => TimedElements.Parse(set, json, KeyOfListed);

    private static string? KeyOfListed(JsonElement val) => TupleOf(val) is { } tuple ? KeyOf(tuple) : null;

    private static FlowTuple? TupleOf(JsonElement val)
    {
        if (val.ValueKind != JsonValueKind.Object || !val.TryGetProperty("concat", out var parts)
            || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() != 4)
        {
            return null;
        }

        var p = parts.EnumerateArray().ToArray();
        return AddressOf(p[0]) is { } source && PortOf(p[1]) is { } sourcePort && AddressOf(p[2]) is { } destination && PortOf(p[3]) is { } destinationPort
            ? new FlowTuple(source, sourcePort, destination, destinationPort)
            : null;
    }

    private static IPAddress? AddressOf(JsonElement part) =>
        part.ValueKind == JsonValueKind.String && part.GetString() is { } text && !text.Contains('%', StringComparison.Ordinal)
            && IPAddress.TryParse(text, out var address) ? address : null;

    private static int? PortOf(JsonElement part) =>
        part.ValueKind == JsonValueKind.Number && part.TryGetInt32(out var port) && IsPort(port) ? port : null;

    private static bool IsPort(int port) => port is >= 0 and <= 65535;

    /// <summary>The address without a scope id (a kernel tuple has none; nft would refuse one).</summary>
    private static string Address(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes()).ToString()
            : address.ToString();
}
