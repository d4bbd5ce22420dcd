using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Lan;

/// <summary>
/// The daemons the agent owns, as the ruleset manager tells them after each apply or lockdown: dnsmasq (the LAN's
/// DHCP, DNS and router advertisements), miniupnpd (UPnP; both listen on the LAN only) and dhcpcd (the WAN uplink),
/// and before setup (<c>FirstBoot:LanInterface</c> set, no last-good state) the first-boot LAN.
/// </summary>
public sealed class ManagedDaemons(FirstBootLan? firstBoot, DnsmasqSupervisor? dnsmasq, Upnp.MiniupnpdSupervisor? upnp = null, Wan.WanSupervisor? wan = null)
{
    /// <summary>The configured first-boot link and address, if any (served only while setup is not done).</summary>
    public FirstBootLan? FirstBoot => firstBoot;

    public void Serve(GatewayConfig? config)
    {
        dnsmasq?.Serve(config);
        upnp?.Serve(config);
        // The uplink follows the same applies (its DNS servers feed this dnsmasq).
        wan?.Serve(config);
    }

    /// <summary>
    /// What is served on the first-boot link before setup: DHCP over the default range of its subnet (.100–.249 of a
    /// /24) and DNS, nothing else. The WAN is unnamed: dnsmasq binds the LAN link only.
    /// </summary>
    public static GatewayConfig FirstBootConfig(FirstBootLan firstBoot)
    {
        ArgumentNullException.ThrowIfNull(firstBoot);
        var range = DhcpSettings.DefaultRange(firstBoot.Address);
        var dhcp = range is { } r ? new DhcpSettings(true, r.Start, r.End) : DhcpSettings.Off;
        return new GatewayConfig(
            new NetworkSettings("", firstBoot.Interface, firstBoot.Address),
            [],
            [],
            new MacPolicy(MacFilterMode.Off),
            LoggingPolicy.Default,
            Dhcp: dhcp,
            Dns: DnsSettings.Default);
    }
}
