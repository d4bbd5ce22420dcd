using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.State;

namespace Gateway.Web.Security;

/// <summary>
/// The router's name on the LAN: the agent's dnsmasq answers <c>router</c> and <c>router.&lt;domain&gt;</c> with the
/// LAN link's addresses, so an owner who types that name reaches the panel. Only a LAN resolver the router runs gives
/// out that name, so a rebinding page elsewhere cannot borrow it. Before setup the default domain applies, as the
/// first-boot DHCP serves it.
/// </summary>
internal sealed class LanHostNames(DesiredStateCache snapshots) : IRouterHostNames
{
    public async ValueTask<bool> ContainsAsync(string host)
    {
        if (string.Equals(host, ConfigValidator.RouterHostName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var domain = (await snapshots.SnapshotAsync())?.Config.Dhcp.Domain ?? DhcpSettings.DefaultDomain;
        return string.Equals(host, $"{ConfigValidator.RouterHostName}.{domain}", StringComparison.OrdinalIgnoreCase);
    }
}
