using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Links;

/// <summary>
/// The IPv4 neighbour (ARP) table of the agent's namespace, for <c>get-neighbours</c>. Read from
/// <c>/proc/net/arp</c>, which follows the reader's network namespace: plain text, no netlink needed.
/// </summary>
public static class NeighbourTable
{
    public const string ProcPath = "/proc/net/arp";

    // ATF_COM: the kernel has resolved the hardware address. Without it the entry is incomplete (flags 0x0).
    private const int CompleteFlag = 0x2;

    public static IReadOnlyList<Neighbour> Read() => Parse(File.ReadAllText(ProcPath));

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
