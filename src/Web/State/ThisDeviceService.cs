using Gateway.Shared.Validation;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Web.State;

/// <summary>
/// The device the admin is using, as the router sees it: the client's IPv4 address, the MAC the router's
/// ARP table holds for it on the LAN link, and whether that MAC is in the MAC filter list (and enabled).
/// </summary>
public sealed record ThisDevice(string Address, string Mac, bool Listed, bool Enabled);

/// <summary>
/// Finds <see cref="ThisDevice"/> from the TCP peer address of the request. Only the connection's own address is
/// trusted, never X-Forwarded-For: a header can name any device, and allow-listing on a forged answer locks out.
/// </summary>
public sealed class ThisDeviceService(AgentLink agent, NetworkService network, MacFilterService filters)
{
    /// <returns>Null when the client is not a neighbour on the LAN link (loopback, IPv6, the WAN side, not in the ARP table).</returns>
    /// <exception cref="AgentUnavailableException">The agent is away, so the neighbour table can't be read.</exception>
    public async Task<ThisDevice?> FindAsync(IPAddress? remote, CancellationToken ct = default)
    {
        if (ClientAddress(remote) is not { } address || await network.GetAsync(ct) is not { } settings)
        {
            return null;
        }

        var text = address.ToString();
        var neighbour = (await agent.GetNeighboursAsync(ct))
            .FirstOrDefault(n => n.Address == text && FieldRules.InterfaceMatches(settings.LanInterface, n.Interface));
        if (neighbour is null)
        {
            return null;
        }

        var filter = await filters.FindByMacAsync(neighbour.Mac, ct);
        return new ThisDevice(text, neighbour.Mac, filter is not null, filter?.Enabled == true);
    }

    /// <summary>The client's IPv4 address (IPv4-mapped IPv6 unwrapped), or null when it can't be a LAN neighbour.</summary>
    public static IPAddress? ClientAddress(IPAddress? remote)
    {
        if (remote is null)
        {
            return null;
        }

        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address) ? address : null;
    }
}
