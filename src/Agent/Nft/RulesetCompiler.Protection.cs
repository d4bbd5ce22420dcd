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

    private static void WriteDosSets(Writer w, Protection protection)
    {
        w.Line();
        w.Line(1, "# Per-source meters: an element per source, gone a minute after its last packet.");
        DynamicSet(w, "dos_icmp4", "ipv4_addr");
        DynamicSet(w, "dos_icmp6", "ipv6_addr");
        if (protection.SynFlood.Enabled)
        {
            if (protection.SynFlood.PerSource)
            {
                DynamicSet(w, "dos_syn4", "ipv4_addr");
                DynamicSet(w, "dos_syn6", "ipv6_addr");
            }
            else
            {
                w.Line(1, "# One SYN limit for all sources, shared by input and forward.");
                w.Line(1, Invariant($"limit dos_syn {{ rate over {protection.SynFlood.RatePerSecond}/second burst {protection.SynFlood.Burst} packets }}"));
            }
        }
    }

    private static void DynamicSet(Writer w, string name, string type) =>
        w.Line(1, $"set {name} {{ type {type}; flags dynamic, timeout; timeout 1m; size 65535; }}");

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
        var rate = Invariant($"limit rate over {icmp.RatePerSecond}/second burst {icmp.Burst} packets");
        w.Line(2, "# Echo requests per source, also those of a ping already under way.");
        w.Line(2, $"icmp type echo-request add @dos_icmp4 {{ ip saddr {rate} }} counter jump dos_drop");
        w.Line(2, $"icmpv6 type echo-request add @dos_icmp6 {{ ip6 saddr & {Ipv6Slash64} {rate} }} counter jump dos_drop");
        WritePolicyJump(w, config, lan, lanCidr);
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
            var rate = Invariant($"limit rate over {syn.RatePerSecond}/second burst {syn.Burst} packets");
            w.Line(2, $"{match} meta nfproto ipv4 {NewTcp} add @dos_syn4 {{ ip saddr {rate} }} counter jump dos_drop");
            w.Line(2, $"{match} meta nfproto ipv6 {NewTcp} add @dos_syn6 {{ ip6 saddr & {Ipv6Slash64} {rate} }} counter jump dos_drop");
        }
        else
        {
            w.Line(2, $"{match} {NewTcp} limit name \"dos_syn\" counter jump dos_drop");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
