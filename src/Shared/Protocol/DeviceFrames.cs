namespace Gateway.Shared.Protocol;

/// <summary>The agent answers with <see cref="DevicesReply"/>: what it knows of the LAN's devices now.</summary>
public sealed record GetDevicesRequest : AgentRequest;

/// <summary>
/// The LAN side as the agent sees it: the LAN link's neighbours (IPv4 and IPv6), dnsmasq's leases, and per MAC the
/// connections now and the bytes counted since the agent started.
/// </summary>
/// <param name="Epoch">Changes whenever the agent starts: byte totals of one epoch only grow; a new epoch starts them at 0.</param>
/// <param name="Resyncs">How often lost conntrack events (ENOBUFS) made the agent dump the table afresh since it started.</param>
public sealed record DevicesReply(
    IReadOnlyList<Neighbour> Neighbours,
    IReadOnlyList<DhcpLease> Leases,
    IReadOnlyList<DeviceCounters> Devices,
    string Epoch,
    long Resyncs,
    DateTimeOffset At) : AgentEvent;

/// <summary>
/// One MAC's share of the conntrack table. Bytes are IP packet bytes of forwarded traffic (connections with the
/// router itself are not counted); rx is towards the device, tx from it. The rates cover about the last 10 s.
/// </summary>
public sealed record DeviceCounters(string Mac, long Connections, long RxBytes, long TxBytes, long RxBps, long TxBps);
