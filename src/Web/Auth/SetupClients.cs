using System.Net;
using System.Net.Sockets;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Web.Auth;

/// <summary>
/// Who may use the web before setup has completed: the router's own console (loopback) and hosts directly on
/// a link that does not carry the default route — the LAN side. A host on the uplink (or anything routed in
/// through it) would otherwise be the first to set the admin password on a freshly plugged-in box.
/// </summary>
/// <remarks>
/// The links come from the agent (it runs in the router's network namespace; the web may not). Without the
/// agent only loopback is allowed: fail closed. IPv6 link-local clients are refused because the web can't tell
/// which link a link-local address sits on; the owner uses the LAN's IPv4 or global IPv6 address for setup.
/// </remarks>
public sealed class SetupClients(Security.RouterLinks routerLinks)
{

    public async ValueTask<bool> IsAllowedAsync(IPAddress? remote, CancellationToken ct)
    {
        if (remote is null || IPAddress.IsLoopback(remote))
        {
            // No remote address means an in-process test host; loopback is the router's own console.
            return true;
        }

        var reply = await routerLinks.GetReplyAsync(ct);
        return reply is not null && IsOnLanSide(remote, reply.Interfaces, reply.FirstBootLan);
    }

    /// <summary>
    /// While the agent serves first boot (<paramref name="firstBoot"/>), only that link's subnet: its firewall lets
    /// nothing else reach the router, and no other link is the LAN yet. Otherwise <see cref="IsOnLanSide(IPAddress, IReadOnlyList{LinkInfo})"/>.
    /// </summary>
    public static bool IsOnLanSide(IPAddress remote, IReadOnlyList<LinkInfo> links, FirstBootLan? firstBoot)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (firstBoot is null)
        {
            return IsOnLanSide(remote, links);
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return remote.AddressFamily == AddressFamily.InterNetwork && Contains(firstBoot.Address, remote);
    }

    /// <summary>True when <paramref name="remote"/> lies inside a prefix of a link that carries no default route.</summary>
    public static bool IsOnLanSide(IPAddress remote, IReadOnlyList<LinkInfo> links)
    {
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (remote.IsIPv6LinkLocal)
        {
            return false;
        }

        foreach (var link in links)
        {
            if (link.DefaultRoute || link.Name == "lo")
            {
                continue;
            }

            foreach (var address in link.Addresses)
            {
                if (Contains(address, remote))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Contains(string cidr, IPAddress remote)
    {
        if (remote.AddressFamily == AddressFamily.InterNetwork)
        {
            return Ipv4Cidr.TryParse(cidr, allowBareAddress: false, out var v4)
                && Ipv4.TryParse(remote.ToString(), out var address)
                && v4.PrefixLength > 0
                && v4.Contains(address);
        }

        return Ipv6Cidr.TryParse(cidr, allowBareAddress: false, out var v6)
            && Ipv6.TryParse(remote.ToString(), out var address6)
            && v6.PrefixLength > 0
            && v6.Contains(address6);
    }
}
