using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>
/// IPv6: routed, no NAT. What IPv6 needs beyond the family-agnostic defaults: the ICMPv6 of RFC 4890 in forward
/// and input, MLD on the link, anti-spoofing of a static LAN prefix, and pinholes (inbound from the WAN to a LAN
/// host named by what survives a prefix change). With IPv6 off, forward drops every IPv6 packet.
/// </summary>
/// <remarks>
/// A pinhole matches its host by the low 64 bits of the destination (<c>ip6 daddr &amp; ::ffff:ffff:ffff:ffff</c>)
/// on packets leaving through the LAN link, so a renumbered LAN prefix changes nothing. A pinhole by MAC matches
/// the set <see cref="PinholeMacSetName"/>, compiled empty: the agent adds and deletes its elements (the MAC's
/// current IPv6 addresses) from neighbour events with <c>add element</c> / <c>delete element</c>, without
/// re-applying the table, so drift detection must leave the elements of these sets out of its fingerprint.
/// </remarks>
public static partial class RulesetCompiler
{
    /// <summary>Prefix of the sets holding a MAC pinhole's current IPv6 addresses (filled at run time).</summary>
    public const string PinholeMacSetPrefix = "ph_mac_";

    /// <summary>The low 64 bits of an IPv6 address: the interface identifier a suffix pinhole matches.</summary>
    private const string InterfaceIdMask = "::ffff:ffff:ffff:ffff";

    /// <summary>RFC 4890 §4.3.1: errors a connection can't live without (path MTU discovery!), and echo.</summary>
    private const string ForwardIcmpv6 = "destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, echo-reply";

    /// <summary>RFC 4890 §4.4.1: errors the router's own connections need, even when conntrack can't relate them.</summary>
    private const string InputIcmpv6Errors = "destination-unreachable, packet-too-big, time-exceeded, parameter-problem";

    /// <summary>Link-scope ICMPv6 that must never be routed (RFC 4890 §4.3.5, §4.4.1; router renumbering is 138).</summary>
    private const string LinkOnlyIcmpv6 = "nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect, router-renumbering, "
        + "mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report";

    private const string Mld = "mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report";

    /// <summary>The set of a MAC pinhole's current IPv6 addresses: <c>type ipv6_addr</c>, no flags, compiled empty.</summary>
    public static string PinholeMacSetName(int id) => PinholeMacSetPrefix + Number(id);

    /// <summary>The pinholes the compiled table carries: enabled ones, and none while IPv6 is off.</summary>
    public static IReadOnlyList<Pinhole> ActivePinholes(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Network.Ipv6Enabled ? config.Pinholes.Where(p => p.Enabled).OrderBy(p => p.Id).ToList() : [];
    }

    /// <summary>The MAC pinholes' address sets, empty (see the remarks).</summary>
    private static void WritePinholeSets(Writer w, GatewayConfig config)
    {
        var byMac = ActivePinholes(config).Where(p => p.Mac is not null).ToList();
        if (byMac.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line(1, "# IPv6 addresses of each MAC pinhole's host: the agent keeps them current from neighbour events.");
        foreach (var pinhole in byMac)
        {
            var comment = NftText.Comment(pinhole.Name);
            w.Line(1, $"set {PinholeMacSetName(pinhole.Id)} {{ type ipv6_addr;{(comment.Length == 0 ? string.Empty : comment + ";")} }}");
        }
    }

    /// <summary>A static LAN prefix arriving on the WAN is spoofed (with <c>auto</c> the fib check stands in: see the report).</summary>
    private static void WriteIpv6AntiSpoofing(Writer w, GatewayConfig config, string wan)
    {
        if (Ipv6Cidr.TryParse(config.Network.LanIpv6, allowBareAddress: false, out var cidr))
        {
            w.Line(2, $"iifname \"{wan}\" ip6 saddr {cidr.NetworkText} counter jump dos_drop");
        }
    }

    /// <summary>First in forward: with IPv6 off nothing IPv6 is routed, even if something else turns forwarding on.</summary>
    private static void WriteIpv6ForwardGate(Writer w, GatewayConfig config)
    {
        if (config.Network.Ipv6Enabled)
        {
            w.Line(2, "# Link-scope ICMPv6 (neighbour discovery, redirects, router renumbering, MLD) is never routed.");
            w.Line(2, $"icmpv6 type {{ {LinkOnlyIcmpv6} }} counter drop");
        }
        else
        {
            w.Line(2, "# IPv6 is off: nothing IPv6 is routed, even if forwarding is turned on behind the agent's back.");
            w.Line(2, "meta nfproto ipv6 counter drop");
        }
    }

    /// <summary>Unsolicited new TCP from the WAN to the LAN over IPv6 (pinholes, accepting rules) meets the SYN meter too.</summary>
    private static void WritePinholeSynMeter(Writer w, GatewayConfig config, string wan, string lan)
    {
        var syn = config.Protection.SynFlood;
        if (!config.Network.Ipv6Enabled || !syn.Enabled)
        {
            return;
        }

        var match = $"iifname \"{wan}\" oifname \"{lan}\" meta nfproto ipv6 {NewTcp}";
        if (syn.PerSource)
        {
            MeterLines6(w, match, "dos_syn", "dos_syn_spill", syn.RatePerSecond, syn.Burst);
        }
        else
        {
            w.Line(2, $"{match} limit name \"dos_syn\" counter jump dos_drop");
        }
    }

    /// <summary>After the forward accepts, before the dropped-forward log: RFC 4890 ICMPv6 to the LAN, then the pinholes.</summary>
    private static void WriteIpv6ForwardAccepts(Writer w, GatewayConfig config, string wan, string lan)
    {
        if (!config.Network.Ipv6Enabled)
        {
            return;
        }

        w.Line(2, "# RFC 4890: ICMPv6 errors (packet too big even for untracked flows) and echo reach LAN hosts; echo is limited per source /64 in guard.");
        w.Line(2, $"oifname \"{lan}\" icmpv6 type {{ {ForwardIcmpv6} }} counter accept");
        var pinholes = ActivePinholes(config);
        if (pinholes.Count > 0)
        {
            w.Line(2, "# Pinholes: new connections from the WAN to a LAN host's port, by interface identifier or by the MAC's addresses.");
        }

        foreach (var pinhole in pinholes)
        {
            var protocol = pinhole.Protocol switch
            {
                ForwardProtocol.Tcp => "tcp",
                ForwardProtocol.Udp => "udp",
                _ => "{ tcp, udp }",
            };
            var ports = pinhole.PortEnd is { } end && end != pinhole.Port ? $"{Number(pinhole.Port)}-{Number(end)}" : Number(pinhole.Port);
            var source = string.Empty;
            if (pinhole.SourceCidr is not null)
            {
                if (!Ipv6Cidr.TryParse(pinhole.SourceCidr, allowBareAddress: true, out var cidr))
                {
                    throw new ArgumentException($"Pinhole {pinhole.Id}: bad source CIDR.", nameof(config));
                }

                source = cidr.PrefixLength == 128 ? $" ip6 saddr {Ipv6.Format(cidr.Address)}" : $" ip6 saddr {cidr.NetworkText}";
            }

            w.Line(2, $"iifname \"{wan}\" oifname \"{lan}\" meta nfproto ipv6 ct state new meta l4proto {protocol} th dport {ports}{source} {PinholeHost(pinhole)} "
                + $"counter ct mark set {Hex(CtMarks.Pinhole(pinhole.Id))} accept{NftText.Comment(pinhole.Name)}");
        }
    }

    /// <summary>Input: RFC 4890 errors from any link, and MLD from link-local sources (the LAN accept already covers the LAN).</summary>
    private static void WriteIpv6Input(Writer w, GatewayConfig config)
    {
        if (!config.Network.Ipv6Enabled)
        {
            return;
        }

        w.Line(2, "# RFC 4890: ICMPv6 errors for the router's own traffic, and MLD on every link (switches that snoop MLD stop");
        w.Line(2, "# delivering the router's neighbour-discovery multicast if it never answers a query).");
        w.Line(2, $"icmpv6 type {{ {InputIcmpv6Errors} }} counter accept");
        w.Line(2, $"ip6 saddr fe80::/10 icmpv6 type {{ {Mld} }} counter accept");
    }

    private static string PinholeHost(Pinhole pinhole)
    {
        if (pinhole.Mac is not null)
        {
            return $"ip6 daddr @{PinholeMacSetName(pinhole.Id)}";
        }

        if (!Ipv6.TryParseSuffix(pinhole.HostSuffix, out var suffix) || suffix == 0)
        {
            throw new ArgumentException($"Pinhole {pinhole.Id}: bad host suffix.", nameof(pinhole));
        }

        return $"ip6 daddr & {InterfaceIdMask} == {Ipv6.Format(suffix)}";
    }
}
