using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>Protection: the prerouting guard, the per-source meters and the one drop path every DoS drop takes.</summary>
public static partial class RulesetCompiler
{
    /// <summary>An IPv6 source is metered per /64: one host usually holds a whole /64, so per address is no limit.</summary>
    private const string Ipv6Slash64 = "ffff:ffff:ffff:ffff::";

    private const string NewTcp = "meta l4proto tcp ct state new";

    /// <summary>Packets conntrack has no established flow for: anti-spoofing checks only these.</summary>
    private const string UnvouchedState = "ct state new,invalid,untracked";

    /// <summary>An IPv6 source's site: a /48 is what one customer is usually given, so what one attacker holds without spoofing.</summary>
    private const string Ipv6Slash48 = "ffff:ffff:ffff::";

    /// <summary>
    /// Elements of each per-source meter set. A home router meets far fewer distinct sources in a minute (an
    /// element goes a minute after its source's last packet); only a flood of forged or scattered sources fills it.
    /// </summary>
    public const int MeterSetSize = 65535;

    /// <summary>A /48 meter lets a site as much as this many hosts (per-/64 keys) at their own limit together.</summary>
    public const int SiteFactor = 4;

    private static void WriteDosSets(Writer w, Protection protection)
    {
        w.Line();
        w.Line(1, "# Per-source meters: an element per source (IPv6: per /64, and per /48 for a whole site), gone a minute");
        w.Line(1, "# after its last packet. A full set can't take a new source: those share one spill limit instead.");
        DynamicSet(w, "dos_icmp4", "ipv4_addr");
        DynamicSet(w, "dos_icmp6", "ipv6_addr");
        DynamicSet(w, "dos_icmp6_site", "ipv6_addr");
        var icmp = protection.IcmpLimit;
        w.Line(1, Invariant($"limit dos_icmp_spill {{ rate over {icmp.RatePerSecond}/second burst {icmp.Burst} packets }}"));
        if (protection.SynFlood.Enabled)
        {
            if (protection.SynFlood.PerSource)
            {
                DynamicSet(w, "dos_syn4", "ipv4_addr");
                DynamicSet(w, "dos_syn6", "ipv6_addr");
                DynamicSet(w, "dos_syn6_site", "ipv6_addr");
                w.Line(1, Invariant($"limit dos_syn_spill {{ rate over {protection.SynFlood.RatePerSecond}/second burst {protection.SynFlood.Burst} packets }}"));
            }
            else
            {
                w.Line(1, "# One SYN limit for all sources, shared by input and forward.");
                w.Line(1, Invariant($"limit dos_syn {{ rate over {protection.SynFlood.RatePerSecond}/second burst {protection.SynFlood.Burst} packets }}"));
            }
        }
    }

    private static void DynamicSet(Writer w, string name, string type) =>
        w.Line(1, Invariant($"set {name} {{ type {type}; flags dynamic, timeout; timeout 1m; size {MeterSetSize}; }}"));

    /// <summary>
    /// The meter lines for one kind of packet (<paramref name="match"/>): per source; a source the full set could
    /// not take (the <c>add</c> fails and the rule matches nothing) to the shared <paramref name="spill"/> limit, so a
    /// full set never means "unlimited"; and for IPv6 the same again per /48, so the 65,536 /64s of one site share
    /// <see cref="SiteFactor"/> sources' worth.
    /// </summary>
    private static void MeterLines(Writer w, string match4, string match6, string set, string spill, int rate, int burst)
    {
        var limit = Invariant($"limit rate over {rate}/second burst {burst} packets");
        w.Line(2, $"{match4} add @{set}4 {{ ip saddr {limit} }} counter jump dos_drop");
        w.Line(2, $"{match4} ip saddr != @{set}4 limit name \"{spill}\" counter jump dos_drop");
        MeterLines6(w, match6, set, spill, rate, burst);
    }

    private static void MeterLines6(Writer w, string match6, string set, string spill, int rate, int burst)
    {
        var limit = Invariant($"limit rate over {rate}/second burst {burst} packets");
        var site = Invariant($"limit rate over {rate * SiteFactor}/second burst {burst * SiteFactor} packets");
        w.Line(2, $"{match6} add @{set}6 {{ ip6 saddr & {Ipv6Slash64} {limit} }} counter jump dos_drop");
        w.Line(2, $"{match6} ip6 saddr & {Ipv6Slash64} != @{set}6 limit name \"{spill}\" counter jump dos_drop");
        w.Line(2, $"{match6} add @{set}6_site {{ ip6 saddr & {Ipv6Slash48} {site} }} counter jump dos_drop");
        w.Line(2, $"{match6} ip6 saddr & {Ipv6Slash48} != @{set}6_site limit name \"{spill}\" counter jump dos_drop");
    }

    private static void WriteDosDrop(Writer w, LoggingPolicy logging)
    {
        w.Line();
        w.Line(1, "# Every DoS drop ends here: one counter, and a log line under the shared limit.");
        w.Line(1, "chain dos_drop {");
        if (logging.Dos != FirewallLogLevel.Off)
        {
            w.Line(2, $"{LimitedLog} log prefix \"{Prefix(FirewallCategory.Dos)}\" level {logging.Dos.ToWord()}");
        }

        w.Line(2, "counter drop");
        w.Line(1, "}");
    }

    /// <summary>
    /// Runs after conntrack and before dstnat on every arriving packet, so it sees each packet once, before any
    /// accept: an echo limit below <c>ct state established accept</c> would limit nothing.
    /// </summary>
    private static void WriteGuardChain(Writer w, GatewayConfig config, string wan, string lan, Ipv4Cidr lanCidr)
    {
        var protection = config.Protection;
        w.Line();
        w.Line(1, "chain guard {");
        w.Line(2, "type filter hook prerouting priority mangle; policy accept;");
        w.Line(2, "iif \"lo\" accept");
        WritePortScanDrop(w, protection);
        if (protection.DropInvalid)
        {
            w.Line(2, "ct state invalid counter jump dos_drop");
            w.Line(2, "# With nf_conntrack_tcp_loose a bare ACK is \"new\", not invalid: a new connection must start with a SYN.");
            w.Line(2, $"{NewTcp} tcp flags & (fin | syn | rst | ack) != syn counter jump dos_drop");
        }

        if (protection.AntiSpoofing)
        {
            w.Line(2, $"iifname \"{wan}\" ip saddr {lanCidr.NetworkText} counter jump dos_drop");
            WriteIpv6AntiSpoofing(w, config, wan);
            w.Line(2, "# The source of a new connection must route back out of the link it came in on (0.0.0.0 and :: are");
            w.Line(2, "# DHCP/DAD probes, link-local sources are on-link by definition). Only new (and untracked/invalid)");
            w.Line(2, "# packets: replies of a policy-routed connection arrive on the policy's uplink, while the main");
            w.Line(2, "# table routes their source out of the main WAN; conntrack already vouches for an established flow.");
            w.Line(2, $"meta nfproto ipv4 {UnvouchedState} ip saddr != 0.0.0.0 fib saddr . iif oif missing counter jump dos_drop");
            w.Line(2, $"meta nfproto ipv6 {UnvouchedState} ip6 saddr != {{ ::, fe80::/10 }} fib saddr . iif oif missing counter jump dos_drop");
        }

        var icmp = protection.IcmpLimit;
        w.Line(2, "# Echo requests per source, also those of a ping already under way.");
        MeterLines(w, "icmp type echo-request", "icmpv6 type echo-request", "dos_icmp", "dos_icmp_spill", icmp.RatePerSecond, icmp.Burst);
        WritePolicyJump(w, config, lan, lanCidr);
        w.Line(1, "}");
    }

    /// <summary>
    /// Packets the router sends skip the guard. Under <c>nf_conntrack_tcp_loose</c> a segment the router sends on
    /// a connection whose entry was deleted (the accept that admitted it went, or the owner killed it) would create
    /// the entry again from the router's side, and the peer's next segments, its replies, would be established and
    /// accepted: the cut would not hold. So a connection the router sends on must start with a SYN too.
    /// </summary>
    private static void WriteOutputGuardChain(Writer w, GatewayConfig config)
    {
        if (!config.Protection.DropInvalid)
        {
            return;
        }

        w.Line();
        w.Line(1, "chain guard_out {");
        w.Line(2, "type filter hook output priority mangle; policy accept;");
        w.Line(2, $"{NewTcp} tcp flags & (fin | syn | rst | ack) != syn counter drop");
        w.Line(1, "}");
    }

    /// <summary>The SYN-flood meter lines in front of a base chain's rules; <paramref name="match"/> picks the traffic.</summary>
    private static void SynMeter(Writer w, SynFloodLimit syn, string match)
    {
        if (!syn.Enabled)
        {
            return;
        }

        if (syn.PerSource)
        {
            MeterLines(w, $"{match} meta nfproto ipv4 {NewTcp}", $"{match} meta nfproto ipv6 {NewTcp}", "dos_syn", "dos_syn_spill", syn.RatePerSecond, syn.Burst);
        }
        else
        {
            w.Line(2, $"{match} {NewTcp} limit name \"dos_syn\" counter jump dos_drop");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
