using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>The agent answers with <see cref="WanStatusReply"/>: the uplink as it is now.</summary>
public sealed record GetWanStatusRequest : AgentRequest;

/// <param name="Status">What the uplink holds now.</param>
/// <param name="Changes">How often each kind of change happened since the agent started (for counters).</param>
public sealed record WanStatusReply(WanStatus Status, IReadOnlyList<WanChangeCount> Changes) : AgentEvent;

/// <summary>
/// The uplink now. <paramref name="Up"/>: the WAN link is up and holds an IPv4 address (any mode).
/// <paramref name="Addresses"/>: the link's global addresses, "a.b.c.d/len" and IPv6 alike. <paramref name="Gateway"/>:
/// the IPv4 default route's gateway through it. <paramref name="DnsServers"/>: what the LAN resolver forwards to from the
/// WAN (learnt by DHCP, or the static list). <paramref name="LeaseExpiresAt"/>: the DHCPv4 lease's end (dhcp mode).
/// <paramref name="DelegatedPrefix"/>: the DHCPv6 delegated prefix, "2001:db8:a::/56". <paramref name="LastChange"/>:
/// when any of these last changed as the agent saw it.
/// </summary>
public sealed record WanStatus(
    WanMode Mode,
    bool Up,
    IReadOnlyList<string> Addresses,
    string? Gateway,
    IReadOnlyList<string> DnsServers,
    DateTimeOffset? LeaseExpiresAt,
    string? DelegatedPrefix,
    DateTimeOffset? LastChange);

/// <summary>
/// One counter of uplink changes: <paramref name="Kind"/> is "address" (the IPv4 address changed or was lost),
/// "renewal" (the lease was renewed with the same address), "prefix" (the delegated prefix changed or was lost) or
/// "client-restart" (the DHCP client died and was started again).
/// </summary>
public sealed record WanChangeCount(string Kind, long Count);
