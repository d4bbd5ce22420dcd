using Gateway.Shared.Config;

namespace Gateway.Agent.Nft;

/// <summary>
/// Port-scan protection: a source outside the LAN that tries <c>ports</c> distinct closed ports within
/// <c>withinSeconds</c> lands in <c>ps_block4</c> / <c>ps_block6</c> for <c>blockSeconds</c>, and the guard drops
/// everything it sends, before dstnat and before any accept.
/// </summary>
/// <remarks>
/// Counting distinct ports, not packets, with two dynamic sets and no agent in the path:
/// <list type="bullet">
/// <item><c>ps_seen</c> holds (source . port) pairs for <c>withinSeconds</c>. Only a pair that is not in it yet goes
/// on, so a source retrying one port (a SYN retransmit, a client re-asking a closed UDP port) counts once.</item>
/// <item>A new pair is added and then charged to the source's element in <c>ps_count</c>: a per-element
/// <c>limit rate over 1/week burst (ports - 1)</c> lets the first ports - 1 pairs through and matches on the
/// ports-th. The element lives <c>withinSeconds</c> from the source's first closed port (<c>add</c> does not
/// refresh it), so the window is counted from the first probe; the bucket refills once a week, so within a window
/// (at most an hour) it never refills.</item>
/// <item>That match adds the source to <c>ps_block</c> (timeout <c>blockSeconds</c>) and counts and logs once in
/// <c>ps_blocked</c>: its later packets never get this far.</item>
/// </list>
/// Only closed ports count: the count sits at the end of input and forward, where only what the policy is about to
/// drop or reject arrives (an open forward, a pinhole or an accept rule has accepted before). IPv6 is counted and
/// blocked per /64, like the other per-source meters. A full <c>ps_count</c> (65,535 sources scanning at once) takes
/// no new source: those are not blocked, but their ports stay closed. The block sets are dynamic, so they are not part
/// of the table's fingerprint, and a whole-table replace carries their elements over (<see cref="PortScanBlocks"/>).
/// </remarks>
public static partial class RulesetCompiler
{
    /// <summary>The named counter of sources blocked (packets = blocks).</summary>
    public const string PortScanBlockedCounter = "portscan_blocked";

    /// <summary>The block sets by family: IPv4 addresses, IPv6 /64 prefixes.</summary>
    public const string PortScanBlock4 = "ps_block4";

    /// <inheritdoc cref="PortScanBlock4"/>
    public const string PortScanBlock6 = "ps_block6";

    private static void WritePortScanSets(Writer w, Protection protection)
    {
        var scan = protection.PortScanOrOff;
        if (!scan.Enabled)
        {
            return;
        }

        w.Line();
        w.Line(1, "# Port-scan protection: (source . port) pairs seen, per-source counts of new pairs, blocked sources.");
        w.Counter(PortScanBlockedCounter, RuleCounters.PortScanBlockedId);
        w.Line(1, Invariant($"set ps_seen4 {{ type ipv4_addr . inet_service; flags dynamic, timeout; timeout {scan.WithinSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set ps_seen6 {{ type ipv6_addr . inet_service; flags dynamic, timeout; timeout {scan.WithinSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set ps_count4 {{ type ipv4_addr; flags dynamic, timeout; timeout {scan.WithinSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set ps_count6 {{ type ipv6_addr; flags dynamic, timeout; timeout {scan.WithinSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set {PortScanBlock4} {{ type ipv4_addr; flags dynamic, timeout; timeout {scan.BlockSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set {PortScanBlock6} {{ type ipv6_addr; flags dynamic, timeout; timeout {scan.BlockSeconds}s; size {MeterSetSize}; }}"));
    }

    private static void WritePortScanChains(Writer w, Protection protection, LoggingPolicy logging)
    {
        var scan = protection.PortScanOrOff;
        if (!scan.Enabled)
        {
            return;
        }

        var count = Invariant($"limit rate over 1/week burst {scan.Ports - 1} packets");
        w.Line();
        w.Line(1, "# A closed port from outside the LAN: a new (source . port) pair is charged to the source's count.");
        w.Line(1, "chain portscan {");
        w.Line(2, $"meta nfproto ipv4 ip saddr . th dport != @ps_seen4 add @ps_seen4 {{ ip saddr . th dport }} add @ps_count4 {{ ip saddr {count} }} add @{PortScanBlock4} {{ ip saddr }} jump ps_blocked");
        var prefix = $"ip6 saddr & {Ipv6Slash64}";
        w.Line(2, $"meta nfproto ipv6 {prefix} . th dport != @ps_seen6 add @ps_seen6 {{ {prefix} . th dport }} add @ps_count6 {{ {prefix} {count} }} add @{PortScanBlock6} {{ {prefix} }} jump ps_blocked");
        w.Line(1, "}");
        w.Line(1, "chain ps_blocked {");
        w.Line(2, $"counter name \"{PortScanBlockedCounter}\"");
        if (logging.Dos != FirewallLogLevel.Off)
        {
            w.Line(2, $"{LimitedLog} log prefix \"{Prefix(FirewallCategory.Dos)}\" level {logging.Dos.ToWord()}");
        }

        w.Line(1, "}");
    }

    /// <summary>In the guard, before dstnat and every accept: a blocked source gets nothing through, not even an established flow.</summary>
    private static void WritePortScanDrop(Writer w, Protection protection)
    {
        if (!protection.PortScanOrOff.Enabled)
        {
            return;
        }

        w.Line(2, $"ip saddr @{PortScanBlock4} counter drop");
        w.Line(2, $"ip6 saddr & {Ipv6Slash64} @{PortScanBlock6} counter drop");
    }

    /// <summary>At the end of input and forward: what arrives there from outside the LAN is about to be dropped.</summary>
    private static void WritePortScanJump(Writer w, Protection protection, string lan)
    {
        if (!protection.PortScanOrOff.Enabled)
        {
            return;
        }

        w.Line(2, $"iifname != \"{lan}\" ct state new meta l4proto {{ tcp, udp }} jump portscan");
    }
}
