using Gateway.Shared.Validation;
using System.Net;
using System.Net.Sockets;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// The device the admin is using, as the router sees it: the client's address (IPv4 or IPv6), the MAC the router's
/// neighbour table (ARP or IPv6 neighbour discovery) holds for it on the LAN link, and whether that MAC is in the MAC
/// filter list (and enabled).
/// </summary>
public sealed record ThisDevice(string Address, string Mac, bool Listed, bool Enabled);

/// <summary>
/// Finds <see cref="ThisDevice"/> from the TCP peer address of the request. Only the connection's own address is
/// trusted, never X-Forwarded-For: a header can name any device, and allow-listing on a forged answer locks out.
/// </summary>
public sealed class ThisDeviceService(AgentClient agent, NetworkService network, MacFilterService filters)
{
    /// <returns>Null when the client is not a neighbour on the LAN link (loopback, the WAN side, not in the neighbour table).</returns>
    /// <exception cref="AgentUnavailableException">The agent is away, so the neighbour table can't be read.</exception>
    public async Task<ThisDevice?> FindAsync(IPAddress? remote, CancellationToken ct = default)
    {
        if (ClientAddress(remote) is not { } address || await network.GetAsync(ct) is not { } settings)
        {
            return null;
        }

        var text = address.ToString();
        var neighbour = (await agent.GetNeighboursAsync(ct))
            .FirstOrDefault(n => SameAddress(n.Address, address) && FieldRules.InterfaceMatches(settings.LanInterface, n.Interface));
        if (neighbour is null)
        {
            return null;
        }

        var filter = await filters.FindByMacAsync(neighbour.Mac, ct);
        return new ThisDevice(text, neighbour.Mac, filter is not null, filter?.Enabled == true);
    }

    /// <summary>
    /// The client's address — IPv4 (IPv4-mapped IPv6 unwrapped) or IPv6 without its zone — or null when it can't be
    /// a LAN neighbour (loopback, unspecified, multicast).
    /// </summary>
    public static IPAddress? ClientAddress(IPAddress? remote)
    {
        if (remote is null)
        {
            return null;
        }

        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // A link-local peer arrives with its zone (fe80::1%3); the neighbour table names the link separately.
            address = new IPAddress(address.GetAddressBytes());
            return address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None) || address.IsIPv6Multicast || IPAddress.IsLoopback(address)
                ? null
                : address;
        }

        return address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address) ? address : null;
    }

    /// <summary>
    /// The neighbour's address is the client's, compared as addresses, not text: "2001:DB8::A" and "2001:db8::a" are
    /// one host. A neighbour entry in IPv4-mapped form never stands for an IPv6 client, nor the reverse.
    /// </summary>
    private static bool SameAddress(string neighbour, IPAddress client)
    {
        if (!IPAddress.TryParse(neighbour, out var parsed) || parsed.AddressFamily != client.AddressFamily || parsed.IsIPv4MappedToIPv6)
        {
            return false;
        }

        return parsed.GetAddressBytes().AsSpan().SequenceEqual(client.GetAddressBytes());
    }
}
