using System.Net;
using System.Net.Sockets;

namespace Gateway.Web.Components.Shared;

/// <summary>
/// Example addresses for form hints, taken from the configured LAN ("10.77.0.1/24" gives 10.77.0.20), so an owner
/// never reads 192.168.1.x beside a LAN that is something else. Null when the LAN is unknown or too small.
/// </summary>
public static class LanHints
{
    /// <summary>A host of the LAN: the 20th address (or the middle of a small LAN), never the router's own.</summary>
    public static string? Host(string? lanAddress)
    {
        if (!TryParse(lanAddress, out var router, out var network, out var size, out _) || size < 4)
        {
            return null;
        }

        var offset = size > 40 ? 20u : size / 2;
        var host = network + offset;
        if (host == router)
        {
            // One below, not above: in a small LAN the address above the middle can be the broadcast.
            host--;
        }

        return Text(host);
    }

    /// <summary>The upper half of the LAN as a network (10.77.0.128/25 for a /24); null for a LAN too small to halve.</summary>
    public static string? HalfNetwork(string? lanAddress)
    {
        if (!TryParse(lanAddress, out _, out var network, out var size, out var prefix) || size < 4)
        {
            return null;
        }

        return $"{Text(network + (size / 2))}/{prefix + 1}";
    }

    /// <summary>" e.g. 10.77.0.20" after a hint's text, or nothing when the LAN is unknown.</summary>
    public static string ForExample(params string?[] examples)
    {
        var known = examples.Where(e => e is not null).ToList();
        return known.Count == 0 ? "" : $", e.g. {string.Join(" or ", known)}";
    }

    private static bool TryParse(string? lanAddress, out uint router, out uint network, out uint size, out int prefix)
    {
        router = network = size = 0;
        prefix = 0;
        var slash = lanAddress?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (lanAddress is null || slash < 0
            || !IPAddress.TryParse(lanAddress[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(lanAddress[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
            || prefix is < 8 or > 30)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        router = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = uint.MaxValue << (32 - prefix);
        network = router & mask;
        size = ~mask + 1;
        return true;
    }

    private static string Text(uint address) => new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]).ToString();
}
