using Gateway.Shared.Config;

namespace Gateway.Agent.Nft;

/// <summary>
/// A traffic rule's verdict as nft statements: the one place that knows how accept, drop and every reject
/// form are written (firewall4 keeps its reject handling in one place for the same reason).
/// </summary>
/// <remarks>
/// Reject mapping (all accepted by <c>nft -c</c> on nft 1.0.6):
/// <code>
/// rejectWith         family any                                  ipv4                        ipv6
/// tcp-reset          reject with tcp reset (protocol is tcp)     same                        same
/// default            tcp: tcp reset; tcp+udp/any: "meta l4proto tcp reject with tcp reset" then port-unreachable
///                    as below; others: port-unreachable as below
/// port-unreachable   icmpx type port-unreachable                 icmp type port-unreachable  icmpv6 type port-unreachable
/// host-unreachable   icmpx type host-unreachable                 icmp type host-unreachable  icmpv6 type addr-unreachable
/// net-unreachable    icmpx type no-route                         icmp type net-unreachable   icmpv6 type no-route
/// admin-prohibited   icmpx type admin-prohibited                 icmp type admin-prohibited  icmpv6 type admin-prohibited
/// prot-unreachable   ipv4: icmp prot-unreachable, ipv6: icmpv6 port-unreachable   icmp …     (refused by validation)
/// host-prohibited    ipv4: icmp host-prohibited, ipv6: icmpv6 admin-prohibited    icmp …     (refused by validation)
/// net-prohibited     ipv4: icmp net-prohibited,  ipv6: icmpv6 admin-prohibited    icmp …     (refused by validation)
/// </code>
/// icmpx has no counterpart for the last three, so family any splits them by <c>meta nfproto</c>, giving IPv6
/// the closest message. A plain <c>reject with icmp type …</c> in an inet table would send that IPv4 code
/// inside an ICMPv6 error to an IPv6 packet, which is why every ICMP form is pinned to its family.
/// </remarks>
public static class Verdicts
{
    /// <summary>
    /// The statements that end a matching packet's way, one per line. The rule's match has already pinned the
    /// family and protocol it names, so the lines only add what the match did not (the last line is unconditional).
    /// </summary>
    public static IReadOnlyList<string> Lines(TrafficRule rule, RuleFamily family) => rule.Action switch
    {
        RuleAction.Accept => ["accept"],
        RuleAction.Drop => ["drop"],
        RuleAction.Reject => Reject(rule.EffectiveRejectWith, rule.Protocol, family),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Action, "Unknown action."),
    };

    /// <summary>Reject lines for a message, protocol and (effective) family.</summary>
    public static IReadOnlyList<string> Reject(RejectWith with, RuleProtocol protocol, RuleFamily family)
    {
        if (with == RejectWith.TcpReset || (with == RejectWith.Default && protocol == RuleProtocol.Tcp))
        {
            return ["reject with tcp reset"];
        }

        if (with == RejectWith.Default)
        {
            var unreachable = Icmp(RejectWith.PortUnreachable, family);
            return protocol is RuleProtocol.Any or RuleProtocol.TcpUdp
                ? ["meta l4proto tcp reject with tcp reset", .. unreachable]
                : unreachable;
        }

        return Icmp(with, family);
    }

    private static string[] Icmp(RejectWith with, RuleFamily family) => family switch
    {
        RuleFamily.Ipv4 => [$"reject with icmp type {Icmpv4(with)}"],
        RuleFamily.Ipv6 => [$"reject with icmpv6 type {Icmpv6(with)}"],
        _ => Icmpx(with) is { } x
            ? [$"reject with icmpx type {x}"]
            : [$"meta nfproto ipv4 reject with icmp type {Icmpv4(with)}", $"meta nfproto ipv6 reject with icmpv6 type {Icmpv6(with)}"],
    };

    private static string? Icmpx(RejectWith with) => with switch
    {
        RejectWith.PortUnreachable => "port-unreachable",
        RejectWith.HostUnreachable => "host-unreachable",
        RejectWith.NetUnreachable => "no-route",
        RejectWith.AdminProhibited => "admin-prohibited",
        _ => null,
    };

    private static string Icmpv4(RejectWith with) => with switch
    {
        RejectWith.PortUnreachable => "port-unreachable",
        RejectWith.HostUnreachable => "host-unreachable",
        RejectWith.NetUnreachable => "net-unreachable",
        RejectWith.ProtUnreachable => "prot-unreachable",
        RejectWith.AdminProhibited => "admin-prohibited",
        RejectWith.HostProhibited => "host-prohibited",
        RejectWith.NetProhibited => "net-prohibited",
        _ => throw new ArgumentOutOfRangeException(nameof(with), with, "Not an ICMP message."),
    };

    /// <summary>IPv6 lacks prot-unreachable and the two "prohibited" codes: the closest message stands in.</summary>
    private static string Icmpv6(RejectWith with) => with switch
    {
        RejectWith.PortUnreachable or RejectWith.ProtUnreachable => "port-unreachable",
        RejectWith.HostUnreachable => "addr-unreachable",
        RejectWith.NetUnreachable => "no-route",
        RejectWith.AdminProhibited or RejectWith.HostProhibited or RejectWith.NetProhibited => "admin-prohibited",
        _ => throw new ArgumentOutOfRangeException(nameof(with), with, "Not an ICMP message."),
    };
}
