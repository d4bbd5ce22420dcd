using System.Net;
using System.Net.Sockets;
using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Connections;

/// <summary>Which LAN device (MAC) holds an address: the neighbour table (IPv4 and IPv6) first, then the DHCP leases.</summary>
public sealed class DeviceMap
{
    private readonly Dictionary<(byte Family, UInt128 Address), string> _macs = [];

    public static DeviceMap From(IEnumerable<Neighbour> neighbours, IEnumerable<DhcpLease> leases)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(leases);
        var map = new DeviceMap();
        foreach (var neighbour in neighbours)
        {
            map.Add(neighbour.Address, neighbour.Mac);
        }

        foreach (var lease in leases)
        {
            map.Add(lease.Address, lease.Mac);
        }

        return map;
    }

    /// <summary>
    /// The MAC of the LAN end: the original source (a LAN host's outbound connection), else the reply source (where
    /// an inbound connection was forwarded to), else the original destination (an unforwarded inbound one, IPv6).
    /// </summary>
    public string? Of(in ConnectionEntry entry) => Of(entry, out _);

    /// <summary><see cref="Of(in ConnectionEntry)"/>, and whether the device is the original source (it opened the connection).</summary>
    public string? Of(in ConnectionEntry entry, out bool original)
    {
        var source = Lookup(entry.Family, entry.OriginalSource.Address);
        original = source is not null;
        return source ?? Lookup(entry.Family, entry.ReplySource.Address) ?? Lookup(entry.Family, entry.OriginalDestination.Address);
    }

    private string? Lookup(byte family, UInt128 address) => _macs.GetValueOrDefault((family, address));

    private void Add(string address, string mac)
    {
        if (!IPAddress.TryParse(address, out var parsed))
        {
            return;
        }

        var family = parsed.AddressFamily == AddressFamily.InterNetworkV6 ? Nl.AfInet6 : Nl.AfInet;
        _macs.TryAdd((family, ConnectionEntry.AddressOf(parsed.GetAddressBytes())), mac.ToLowerInvariant());
    }
}
