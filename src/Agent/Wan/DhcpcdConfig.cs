using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Wan;

/// <summary>Where the agent's dhcpcd keeps its files, all under <see cref="AgentOptions.WanDir"/>.</summary>
public sealed record WanPaths(string Directory)
{
    public string Conf => Path.Combine(Directory, "dhcpcd.conf");

    public string Hook => Path.Combine(Directory, "hook.sh");

    /// <summary>Bound over dhcpcd's compiled-in <c>/var/lib/dhcpcd</c> (DUID, leases).</summary>
    public string State => Path.Combine(Directory, "state");

    /// <summary>Bound over dhcpcd's compiled-in <c>/run/dhcpcd</c> (pid file, control socket).</summary>
    public string Run => Path.Combine(Directory, "run");

    /// <summary>One file per hook call, named so that name order is event order.</summary>
    public string Events => Path.Combine(Directory, "events");

    /// <summary>What the agent added in static mode (address and default route), kept across restarts.</summary>
    public string StaticRecord => Path.Combine(Directory, "static.json");
}

/// <summary>
/// Renders the agent's dhcpcd configuration and hook script. dhcpcd reads only this file (never
/// <c>/etc/dhcpcd.conf</c>) and runs only this hook (never Debian's <c>dhcpcd-run-hooks</c>, whose resolv.conf hook
/// rewrites the host's resolver file): the hook hands each event to the agent and changes nothing itself.
/// </summary>
public static class DhcpcdConfig
{
    /// <summary>The configuration for <paramref name="wanLink"/> (and the LAN link that receives the delegated /64).</summary>
    public static string Render(WanSettings wan, string wanLink, string? lanLink)
    {
        ArgumentNullException.ThrowIfNull(wan);
        // The agent trusts nothing it receives: a name that is not one plain link could start another directive.
        if (!FieldRules.IsLinkName(wanLink) || (lanLink is not null && !FieldRules.IsLinkName(lanLink)))
        {
            throw new ArgumentException("A link name dhcpcd's file can't carry.", nameof(wanLink));
        }

        if (wan.PrefixHint is { } asked && asked is < WanSettings.MinPrefixHint or > WanSettings.MaxPrefixHint)
        {
            throw new ArgumentException("The prefix length asked for is out of range.", nameof(wan));
        }

        var delegates = wan.Ipv6 == WanIpv6.Auto && lanLink is not null;
        var text = new StringBuilder();
        text.Append("# Written by gateway-agent; dhcpcd reads nothing else.\n");
        // Only these links: without it dhcpcd sends DISCOVERs on every link of the router.
        text.Append("allowinterfaces ").Append(wanLink);
        if (delegates)
        {
            text.Append(' ').Append(lanLink);
        }

        text.Append('\n');
        text.Append("option domain_name_servers, domain_name, interface_mtu\n");
        text.Append("require dhcp_server_identifier\n");
        text.Append("option rapid_commit\n");
        // A stable identity across restarts (the DUID lives in the agent's own state directory).
        text.Append("duid\n");
        text.Append("noipv4ll\n");
        // No ARP probe of the offered address (about 5 s): the ISP's server owns that subnet.
        text.Append("noarp\n");
        if (wan.Mode == WanMode.Static)
        {
            // The agent sets the static IPv4 address itself: the client is here for the prefix only.
            text.Append("noipv4\n");
        }

        if (wan.Ipv6 == WanIpv6.Off)
        {
            text.Append("noipv6\n");
        }

        text.Append('\n').Append("interface ").Append(wanLink).Append('\n');
        if (wan.Ipv6 == WanIpv6.Auto)
        {
            text.Append("  ipv6rs\n");
            text.Append("  option dhcp6_name_servers\n");
            if (delegates)
            {
                // The first /64 of the delegation (SLA 0) numbers the LAN as <prefix>::1/64.
                text.Append("  ia_pd 1");
                if (wan.PrefixHint is { } hint)
                {
                    text.Append("/::/").Append(hint);
                }

                text.Append(' ').Append(lanLink).Append("/0/64\n");
            }
        }

        if (delegates)
        {
            // dhcpcd must manage the LAN link to number it, and does nothing else there.
            text.Append('\n').Append("interface ").Append(lanLink).Append('\n');
            text.Append("  noipv4\n  noipv6rs\n  nodhcp6\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The hook: dhcpcd's event variables (reason, interface, new_*/old_*) into a new file in
    /// <paramref name="eventsDirectory"/>, written aside and moved in, so the agent never reads half a file.
    /// </summary>
    public static string Hook(string eventsDirectory)
    {
        ArgumentNullException.ThrowIfNull(eventsDirectory);
        return "#!/bin/sh\n"
            + "# Written by gateway-agent: hands every dhcpcd event to the agent and changes nothing else.\n"
            + $"dir='{eventsDirectory}'\n"
            + "tmp=\"$dir/.$$.tmp\"\n"
            + "env | grep -E '^(reason|interface|protocol|ifcarrier|new_|old_)' > \"$tmp\" && mv \"$tmp\" \"$dir/$(date +%s%N)-$$.env\"\n"
            + "exit 0\n";
    }
}
