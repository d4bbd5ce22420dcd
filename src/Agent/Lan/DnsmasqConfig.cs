using System.Globalization;
using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Lan;

/// <summary>Where the agent's dnsmasq keeps its files (one directory, readable by the user dnsmasq drops to).</summary>
public sealed record DnsmasqPaths(string Directory)
{
    public string Conf => Path.Combine(Directory, "dnsmasq.conf");

    /// <summary>Extra local names and static-lease names; re-read on SIGHUP.</summary>
    public string Hosts => Path.Combine(Directory, "hosts");

    /// <summary>Static leases as <c>dhcp-host</c> lines; re-read on SIGHUP.</summary>
    public string DhcpHosts => Path.Combine(Directory, "dhcp-hosts");

    public string Leases => Path.Combine(Directory, "leases");

    /// <summary>The upstream servers (<c>server=</c> lines are not re-read on SIGHUP; a resolv file is polled).</summary>
    public string Upstream => Path.Combine(Directory, "upstream.conf");
}

/// <summary>
/// What the agent's dnsmasq runs with: the main file (a change restarts dnsmasq) and the files it re-reads on
/// SIGHUP without dropping a query (names, static leases, upstream servers).
/// </summary>
public sealed record DnsmasqFiles(string Conf, string Hosts, string DhcpHosts, string Upstream)
{
    /// <summary>True when nothing needs serving: dnsmasq is not run at all.</summary>
    public bool Idle => Conf.Length == 0;
}

/// <summary>
/// Renders dnsmasq's configuration from the desired state: a pure function, golden-tested. Every value written comes
/// from a validated field (DNS labels, parsed addresses, numbers), and each is checked again here before it is
/// written, so no text can add a line or an option.
/// </summary>
public static class DnsmasqConfig
{
    public const int PrefixLifetimeSeconds = 5400;

    public static DnsmasqFiles Render(GatewayConfig config, DnsmasqPaths paths, IReadOnlyList<string> learntUpstream)
    {
        ArgumentNullException.ThrowIfNull(config);
        var dhcp = config.Dhcp;
        var dns = config.Dns;
        var ipv6 = config.Network.Ipv6Enabled;
        if (!dhcp.Enabled && !dns.Enabled && !ipv6)
        {
            return new DnsmasqFiles("", "", "", "");
        }

        var lanLink = config.Network.LanInterface;
        if (!Ipv4Cidr.TryParse(config.Network.LanAddress, false, out var lan) || !FieldRules.IsLinkName(lanLink))
        {
            throw new InvalidDataException("The LAN link and address must be valid to serve the LAN.");
        }

        var domain = Checked(dhcp.Domain, ConfigValidator.IsHostName);
        var conf = new StringBuilder();
        conf.Append("# Written by gateway-agent from the desired state; edits are overwritten.\n");
        // Only the LAN link: never the WAN, never loopback (dnsmasq adds lo to interface= unless told not to).
        Line(conf, "interface", lanLink);
        conf.Append("except-interface=lo\n");
        conf.Append("bind-dynamic\n");
        // The router's own /etc/hosts and /etc/resolv.conf are the host's business: names come from our files only.
        conf.Append("no-hosts\n");
        Line(conf, "addn-hosts", paths.Hosts);
        Line(conf, "dhcp-hostsfile", paths.DhcpHosts);
        Line(conf, "dhcp-leasefile", paths.Leases);
        Line(conf, "domain", domain);
        Line(conf, "local", $"/{domain}/");
        conf.Append("expand-hosts\n");
        conf.Append("domain-needed\n");
        // Private reverse lookups never leave the router; the LAN's are answered from leases and names.
        conf.Append("bogus-priv\n");

        if (dns.Enabled)
        {
            if (dns.Upstream.Count > 0 || learntUpstream.Count > 0)
            {
                // The owner's servers or the WAN's: a file dnsmasq re-reads on SIGHUP, so a renewal loses no query.
                Line(conf, "servers-file", paths.Upstream);
                conf.Append("no-resolv\n");
            }
            else
            {
                // Neither: the host's own resolver, which dnsmasq polls for changes (it only reads the file).
                conf.Append("resolv-file=/etc/resolv.conf\n");
            }

            // The router's own name answers with whatever the LAN link holds (a delegated IPv6 prefix included);
            // the qualified name first, so a reverse lookup of the router's address gives it.
            Line(conf, "interface-name", $"{ConfigValidator.RouterHostName}.{domain},{lanLink}");
            Line(conf, "interface-name", $"{ConfigValidator.RouterHostName},{lanLink}");
            conf.Append("cache-size=1000\n");
        }
        else
        {
            // DHCP (and RAs) only: no DNS listener, and clients are not told to use one here.
            conf.Append("port=0\n");
        }

        if (dhcp.Enabled)
        {
            Ipv4.TryParse(dhcp.RangeStart, out var start);
            Ipv4.TryParse(dhcp.RangeEnd, out var end);
            if (!lan.Contains(start) || !lan.Contains(end) || start > end)
            {
                throw new InvalidDataException("The DHCP range must lie inside the LAN.");
            }

            Line(conf, "dhcp-range", string.Join(',', "set:lan", Ipv4.Format(start), Ipv4.Format(end), Ipv4.Format(lan.Mask), dhcp.LeaseSeconds.ToString(CultureInfo.InvariantCulture)));
            Line(conf, "dhcp-option", $"option:router,{Ipv4.Format(lan.Address)}");
            conf.Append("dhcp-authoritative\n");
            conf.Append("dhcp-rapid-commit\n");
        }

        if (ipv6)
        {
            // SLAAC on whatever global /64 the LAN link holds ("constructor:"): a new prefix is picked up by the same
            // process, and the old one is announced with preferred lifetime 0 (RFC 9096) — a restart would lose that.
            conf.Append("enable-ra\n");
            // Valid lifetime 90 minutes, as RFC 9096 recommends for a prefix that may change under the router.
            Line(conf, "dhcp-range", $"::,constructor:{lanLink},ra-stateless,ra-names,64,{PrefixLifetimeSeconds.ToString(CultureInfo.InvariantCulture)}");
            if (dns.Enabled)
            {
                conf.Append("dhcp-option=option6:dns-server,[::]\n");
                Line(conf, "dhcp-option", $"option6:domain-search,{domain}");
            }
        }

        return new DnsmasqFiles(conf.ToString(), Hosts(config), DhcpHosts(config), Upstream(dns, learntUpstream));
    }

    /// <summary><c>addn-hosts</c>: the owner's extra names, and every enabled static lease under its name.</summary>
    private static string Hosts(GatewayConfig config)
    {
        var text = new StringBuilder();
        foreach (var host in config.Dns.Hosts)
        {
            text.Append(Address(host.Address)).Append(' ').Append(Checked(host.Name, ConfigValidator.IsDnsName)).Append('\n');
        }

        foreach (var lease in config.StaticLeases.Where(l => l.Enabled))
        {
            // expand-hosts answers <name>.<domain> as well.
            text.Append(Address(lease.Address)).Append(' ').Append(Checked(lease.Name, ConfigValidator.IsHostName)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>dhcp-hostsfile</c>: one <c>mac,address,name</c> line per enabled static lease.</summary>
    private static string DhcpHosts(GatewayConfig config)
    {
        var text = new StringBuilder();
        foreach (var lease in config.StaticLeases.Where(l => l.Enabled))
        {
            if (!MacAddress.TryNormalize(lease.Mac, out var mac) || !Ipv4.TryParse(lease.Address, out var address))
            {
                throw new InvalidDataException("A static lease's MAC or address is malformed.");
            }

            text.Append(mac).Append(',').Append(Ipv4.Format(address)).Append(',').Append(Checked(lease.Name, ConfigValidator.IsHostName)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>servers-file</c>: the owner's servers, else what the WAN learnt; empty = dnsmasq asks nobody.</summary>
    private static string Upstream(DnsSettings dns, IReadOnlyList<string> learnt)
    {
        var servers = dns.Upstream.Count > 0 ? dns.Upstream : learnt;
        var text = new StringBuilder();
        foreach (var server in servers)
        {
            text.Append("server=").Append(Address(server)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>An IPv4 or IPv6 address in canonical text, or an exception: nothing else reaches a file.</summary>
    private static string Address(string text) =>
        Ipv4.TryParse(text, out var v4) ? Ipv4.Format(v4)
        : Ipv6.TryParse(text, out var v6) ? Ipv6.Format(v6)
        : throw new InvalidDataException("An address in the LAN services is malformed.");

    private static string Checked(string value, Func<string, bool> valid) =>
        valid(value) ? value : throw new InvalidDataException("A name in the LAN services is malformed.");

    private static void Line(StringBuilder conf, string key, string value)
    {
        if (value.AsSpan().IndexOfAny("\r\n\0") >= 0)
        {
            throw new InvalidDataException($"A value for {key} holds a line break.");
        }

        conf.Append(key).Append('=').Append(value).Append('\n');
    }
}
