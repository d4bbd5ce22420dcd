using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Shared.Protocol;

/// <summary>A UPnP mapping's id, as the REST path and the socket carry it: protocol and external port, <c>tcp-18080</c>.</summary>
public static partial class UpnpMappingId
{
    public static string Of(string protocol, int externalPort) => $"{protocol}-{externalPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads an id back; false for anything but <c>tcp-N</c> / <c>udp-N</c> with N a port.</summary>
    public static bool TryParse(string? id, out string protocol, out int externalPort)
    {
        protocol = string.Empty;
        externalPort = 0;
        var match = id is { Length: <= 9 } ? Pattern().Match(id) : Match.Empty;
        if (!match.Success || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out externalPort) || externalPort is < 1 or > 65535)
        {
            return false;
        }

        protocol = match.Groups[1].Value;
        return true;
    }

    [GeneratedRegex(@"^(tcp|udp)-([0-9]{1,5})\z")]
    private static partial Regex Pattern();
}
