using System.Globalization;

namespace Gateway.Agent.Links;

/// <summary>
/// The links that carry a default route of the main routing table (IPv4 or IPv6): the uplinks. Read from
/// <c>/proc/net/route</c> and <c>/proc/net/ipv6_route</c>, which are per network namespace; the thread's own
/// view (<c>/proc/thread-self</c>) is used so a thread that entered another namespace sees that one.
/// </summary>
public static class Uplinks
{
    private const string Ipv4Routes = "/proc/thread-self/net/route";
    private const string Ipv6Routes = "/proc/thread-self/net/ipv6_route";

    // RTF_UP and RTF_REJECT from linux/route.h; the same values in ipv6_route's flags column.
    private const uint RouteUp = 0x0001;
    private const uint RouteReject = 0x0200;

    /// <summary>The uplink names of this namespace, sorted, each once. Empty when there is no default route.</summary>
    public static IReadOnlyList<string> Read() =>
        [.. ParseIpv4(TryRead(Ipv4Routes)).Concat(ParseIpv6(TryRead(Ipv6Routes))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Links of the usable default routes in <c>/proc/net/route</c> text: destination and mask
    /// <c>00000000</c>, route up, not a reject route.
    /// </summary>
    public static IReadOnlyList<string> ParseIpv4(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var links = new List<string>();
        // Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT; the first line is a header.
        foreach (var line in text.Split('\n').Skip(1))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8
                && fields[1] == "00000000"
                && fields[7] == "00000000"
                && IsUsable(fields[3], fields[0]))
            {
                links.Add(fields[0]);
            }
        }

        return [.. links.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Each link's IPv4 default gateway ("a.b.c.d") in this namespace; a link without one is absent.</summary>
    public static IReadOnlyDictionary<string, string> Ipv4Gateways() => ParseIpv4Gateways(TryRead(Ipv4Routes));

    /// <summary>
    /// The gateways of the usable default routes in <c>/proc/net/route</c> text, by link (the first per link).
    /// The Gateway column is the address's four bytes as a host-order (little-endian) hex number; 0 means on-link.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseIpv4Gateways(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gateways = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Skip(1))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8
                && fields[1] == "00000000"
                && fields[7] == "00000000"
                && IsUsable(fields[3], fields[0])
                && uint.TryParse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var raw)
                && raw != 0)
            {
                gateways.TryAdd(fields[0], new System.Net.IPAddress(raw).ToString());
            }
        }

        return gateways;
    }

    /// <summary>
    /// Links of the usable default routes in <c>/proc/net/ipv6_route</c> text: destination all zero with prefix
    /// length 00, route up, not a reject route (the kernel keeps an unreachable default on <c>lo</c>).
    /// </summary>
    public static IReadOnlyList<string> ParseIpv6(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var links = new List<string>();
        // Columns: dest destlen src srclen nexthop metric refcnt use flags iface; no header.
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10
                && fields[0].Length == 32
                && fields[0].All(c => c == '0')
                && fields[1] == "00"
                && IsUsable(fields[8], fields[9]))
            {
                links.Add(fields[9]);
            }
        }

        return [.. links.Distinct(StringComparer.Ordinal)];
    }

    private static bool IsUsable(string flagsHex, string link) =>
        uint.TryParse(flagsHex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var flags)
        && (flags & RouteUp) != 0
        && (flags & RouteReject) == 0
        && link != "lo";

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No IPv6 in the kernel means no ipv6_route: no IPv6 uplink.
            return string.Empty;
        }
    }
}
