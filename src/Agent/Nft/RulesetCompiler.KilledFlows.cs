namespace Gateway.Agent.Nft;

/// <summary>
/// Cut TCP connections (<c>DELETE /api/v1/connections/{id}</c>): the agent puts both directions of a killed flow into
/// <c>killed_tcp4</c> / <c>killed_tcp6</c> for <see cref="KilledFlowSeconds"/>, and the <c>killed</c> chain answers the
/// next segment either peer sends with a TCP reset, so neither hangs until its own timeout.
/// </summary>
/// <remarks>
/// Why prerouting at priority raw: that is before conntrack (-200), so before the deleted entry is looked up again,
/// before <c>guard</c> (mangle) drops the mid-stream segment as a new TCP packet without SYN, and before dstnat: a
/// peer's segment still carries the addresses it was sent with, which is exactly what the conntrack dump's original
/// tuple (the connecting peer) and reply tuple (the answering peer, NAT already undone in it) name. The kernel accepts
/// <c>reject</c> in prerouting for the inet family. The sets are dynamic (the packet path never adds to them, but a
/// dynamic set's elements stay out of the table's fingerprint, so a kill is no drift), and a whole-table replace
/// carries their elements over (<see cref="KilledFlows"/>).
/// </remarks>
public static partial class RulesetCompiler
{
    /// <summary>Killed IPv4 TCP flows: source . source port . destination . destination port, as a peer's segment carries them.</summary>
    public const string KilledTcp4 = "killed_tcp4";

    /// <inheritdoc cref="KilledTcp4"/>
    public const string KilledTcp6 = "killed_tcp6";

    /// <summary>How long a killed flow's segments keep getting resets (covers the peers' retransmits).</summary>
    public const int KilledFlowSeconds = 60;

    private static void WriteKilledFlowSets(Writer w)
    {
        w.Line();
        w.Line(1, "# Killed TCP connections, both directions as their segments arrive (filled by the agent on a kill).");
        w.Line(1, Invariant($"set {KilledTcp4} {{ type ipv4_addr . inet_service . ipv4_addr . inet_service; flags dynamic, timeout; timeout {KilledFlowSeconds}s; size {MeterSetSize}; }}"));
        w.Line(1, Invariant($"set {KilledTcp6} {{ type ipv6_addr . inet_service . ipv6_addr . inet_service; flags dynamic, timeout; timeout {KilledFlowSeconds}s; size {MeterSetSize}; }}"));
    }

    private static void WriteKilledFlowChain(Writer w)
    {
        w.Line();
        w.Line(1, "# Raw priority: before conntrack, the guard and dstnat (see RulesetCompiler.KilledFlows.cs).");
        w.Line(1, "chain killed {");
        w.Line(2, "type filter hook prerouting priority raw; policy accept;");
        w.Line(2, $"meta l4proto tcp ip saddr . tcp sport . ip daddr . tcp dport @{KilledTcp4} counter reject with tcp reset");
        w.Line(2, $"meta l4proto tcp ip6 saddr . tcp sport . ip6 daddr . tcp dport @{KilledTcp6} counter reject with tcp reset");
        w.Line(1, "}");
    }
}
