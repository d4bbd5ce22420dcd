using System.Text.Json.Serialization;
using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>Frames the agent sends to the web: replies and pushed events.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(HelloReply), "hello")]
[JsonDerivedType(typeof(AppliedEvent), "applied")]
[JsonDerivedType(typeof(InterfacesReply), "interfaces")]
[JsonDerivedType(typeof(RulesetReply), "ruleset")]
[JsonDerivedType(typeof(NeighboursReply), "neighbours")]
[JsonDerivedType(typeof(LeasesReply), "leases")]
[JsonDerivedType(typeof(UpnpMappingsReply), "upnp-mappings")]
[JsonDerivedType(typeof(WanStatusReply), "wan-status")]
[JsonDerivedType(typeof(BlockedSourcesReply), "blocked-sources")]
[JsonDerivedType(typeof(ConntrackSample), "conntrack")]
[JsonDerivedType(typeof(LogEvent), "log")]
[JsonDerivedType(typeof(CountersSample), "counters")]
[JsonDerivedType(typeof(DriftEvent), "drift")]
[JsonDerivedType(typeof(ConfirmStateEvent), "confirm-state")]
[JsonDerivedType(typeof(RevertedEvent), "reverted")]
[JsonDerivedType(typeof(ConnectionsReply), "connections")]
[JsonDerivedType(typeof(ConnectionKilledReply), "connection-killed")]
[JsonDerivedType(typeof(DevicesReply), "devices")]
[JsonDerivedType(typeof(QuotaResetReply), "quota-reset")]
public abstract record AgentEvent
{
    /// <summary>
    /// The <see cref="AgentRequest.Id"/> this frame answers (JSON <c>replyTo</c>); null on pushed events, on a
    /// broadcast copy of another client's <c>applied</c>, and on replies to requests without an id.
    /// </summary>
    public long? ReplyTo { get; init; }
}

/// <param name="AppliedRevision">The revision of the ruleset in the kernel now (0 when none was applied yet).</param>
/// <param name="Pending">The commit-confirmed apply waiting for its confirmation, or null.</param>
/// <param name="ConfigDigest">
/// <see cref="Protocol.ConfigDigest"/> of the configuration in the kernel now, null when none is (or from an agent
/// that predates it): with <paramref name="AppliedRevision"/> it tells the web whether that is the state it sent.
/// </param>
public sealed record HelloReply(int Protocol, string AgentVersion, long AppliedRevision, PendingConfirmation? Pending = null, string? ConfigDigest = null) : AgentEvent;

/// <summary>
/// The outcome of an apply: the reply to the client that sent it (with <see cref="AgentEvent.ReplyTo"/>), and the
/// same frame without <c>replyTo</c> to every other connected client, so no client can change the kernel unseen.
/// </summary>
/// <param name="Error">The kernel's (or the validator's) message when <paramref name="Ok"/> is false.</param>
/// <param name="ConfigDigest">When <paramref name="Ok"/>: <see cref="Protocol.ConfigDigest"/> of the applied configuration.</param>
/// <param name="Resync">
/// On the answer to an <see cref="ApplyDeltaRequest"/> that was not tried (the agent does not hold its base, or a
/// change made no sense): nothing changed, send the whole config.
/// </param>
public sealed record AppliedEvent(long Revision, bool Ok, string? Error, double DurationMs, string? ConfigDigest = null, bool Resync = false) : AgentEvent;

/// <param name="AgentAddresses">Addresses the agent itself put on links (1:1 NAT's <c>addAddress</c>), "a.b.c.d" each.</param>
/// <param name="FirstBootLan">
/// While the agent serves first boot (<c>FirstBoot:LanInterface</c> set, nothing applied yet): the link and address it
/// serves, the only link setup may come from. Null otherwise.
/// </param>
public sealed record InterfacesReply(IReadOnlyList<LinkInfo> Interfaces, IReadOnlyList<string>? AgentAddresses = null, FirstBootLan? FirstBootLan = null) : AgentEvent;

/// <summary>The link and address ("192.168.1.1/24") the agent serves before setup.</summary>
public sealed record FirstBootLan(string Interface, string Address);

/// <summary>The leases the agent's dnsmasq has handed out now (IPv4, and IPv6 when there are any).</summary>
public sealed record LeasesReply(IReadOnlyList<DhcpLease> Leases) : AgentEvent;

/// <summary>
/// One lease: <paramref name="ExpiresAt"/> null for an infinite lease; <paramref name="Static"/> when it is an
/// enabled static lease's MAC and address. <paramref name="Hostname"/> is the name the client sent, if any.
/// </summary>
public sealed record DhcpLease(string Mac, string Address, string? Hostname, DateTimeOffset? ExpiresAt, bool Static);

/// <summary>A network link as the router sees it. Addresses are "a.b.c.d/len" (IPv6 too).</summary>
/// <param name="DefaultRoute">The main routing table's default route (either family) leaves through this link: an uplink.</param>
/// <param name="Master">The link this one is enslaved to (a bridge port's bridge, e.g. "br-lan"); null when none.</param>
/// <param name="Gateway">The IPv4 default route's gateway through this link ("a.b.c.d"); null when none.</param>
/// <param name="Neighbours">
/// IPv4 addresses other hosts answer for on this link: resolved ARP entries whose MAC is none of the router's own
/// ("a.b.c.d" each); null from an agent that predates it.
/// </param>
public sealed record LinkInfo(
    string Name,
    string? Mac,
    IReadOnlyList<string> Addresses,
    bool Up,
    bool DefaultRoute = false,
    string? Master = null,
    string? Gateway = null,
    IReadOnlyList<string>? Neighbours = null);

/// <param name="Text">The live <c>table inet gateway</c> as the kernel lists it, or empty when absent.</param>
public sealed record RulesetReply(string Text) : AgentEvent;

/// <summary>The resolved neighbours (complete ARP and IPv6 neighbour entries) of the agent's namespace.</summary>
public sealed record NeighboursReply(IReadOnlyList<Neighbour> Neighbours) : AgentEvent;

/// <summary>One neighbour: its IPv4 address, its MAC in "aa:bb:cc:dd:ee:ff" form, and the link it was seen on.</summary>
public sealed record Neighbour(string Address, string Mac, string Interface);

/// <summary>Live connection-tracking counts, pushed every second.</summary>
/// <param name="ByProtocol">Entries per layer-4 protocol name ("tcp", "udp", "icmp", ...).</param>
/// <param name="PortForwards">Entries whose ct mark is a forward's id.</param>
/// <param name="OneToOne">Entries of each 1:1 NAT entry (ct mark <c>CtMarks.OneToOne(id)</c>).</param>
/// <param name="Pinholes">Entries of each IPv6 pinhole (ct mark <c>CtMarks.Pinhole(id)</c>).</param>
/// <param name="Stats">
/// The kernel's conntrack statistics summed over CPUs, by the kernel's names (insert_failed, drop, early_drop,
/// error, search_restart, ...): monotonic until the kernel's counters reset (a reboot or a new namespace).
/// </param>
/// <param name="ByFamily">
/// <paramref name="ByProtocol"/> split by address family: "ipv4", "ipv6" (and "other" when the table holds another)
/// to the same protocol names. Null from an agent that does not split them.
/// </param>
public sealed record ConntrackSample(
    long Total,
    long Max,
    IReadOnlyDictionary<string, long> ByProtocol,
    IReadOnlyList<ForwardConnections> PortForwards,
    DateTimeOffset SampledAt,
    IReadOnlyList<ForwardConnections>? OneToOne = null,
    IReadOnlyList<ForwardConnections>? Pinholes = null,
    IReadOnlyDictionary<string, long>? Stats = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? ByFamily = null,
    long? UpnpConnections = null,
    int? UpnpMappings = null) : AgentEvent;

public sealed record ForwardConnections(int Id, long Connections);

/// <summary>Firewall log lines read from the kernel log.</summary>
public sealed record LogEvent(IReadOnlyList<FirewallLogEntry> Entries) : AgentEvent;

/// <summary>
/// One packet logged by a <c>log prefix "gw …"</c> rule.
/// </summary>
/// <param name="Category">A <see cref="FirewallCategory"/> word: dropped-input, dropped-forward, port-forward, mac-filter, dos or rule.</param>
/// <param name="RuleId">The port forward's id for port-forward entries, the rule's id for rule entries, else null.</param>
/// <param name="Summary">A one-line human summary ("TCP 203.0.113.5:40000 → 192.168.1.20:22 in wan0").</param>
public sealed record FirewallLogEntry(
    DateTimeOffset Time,
    FirewallLogLevel Level,
    string Category,
    int? RuleId,
    string Summary,
    string? InInterface,
    string? OutInterface,
    string? Source,
    string? Destination,
    string? Protocol,
    int? SourcePort,
    int? DestinationPort,
    string? Mac);

/// <summary>
/// The traffic rules' kernel counters, pushed every 2 seconds. Never reset by an apply that keeps a rule.
/// <paramref name="LogSuppressed"/>: firewall log lines the shared log rate limit suppressed since the agent
/// started, never lower than a value already sent (null from an agent without an applied table, or an older one).
/// <paramref name="PortScanBlocked"/>: sources port-scan protection blocked, null while it is off.
/// </summary>
/// <param name="Quotas">The used bytes of every applied rule's quota (null from an agent that predates quotas).</param>
public sealed record CountersSample(IReadOnlyList<RuleHits> Rules, DateTimeOffset SampledAt, long? LogSuppressed = null, IReadOnlyList<QuotaUse>? Quotas = null, long? PortScanBlocked = null) : AgentEvent;

/// <summary>One rule's quota object: the bytes it has counted since it was created or last reset.</summary>
public sealed record QuotaUse(int Id, long UsedBytes);

/// <summary>
/// The answer to <see cref="ResetQuotaRequest"/>: <paramref name="Reset"/> true when the rule's quota is back at 0;
/// otherwise <paramref name="Error"/> says why (no applied rule of that id has a quota, or the kernel refused).
/// </summary>
public sealed record QuotaResetReply(int RuleId, bool Reset, string? Error = null) : AgentEvent;

/// <summary>One rule's named counter: packets and bytes it matched.</summary>
public sealed record RuleHits(int Id, long Packets, long Bytes);

/// <summary>
/// The agent found <c>table inet gateway</c> changed or removed under it (not by its own apply) and re-applied
/// its last-good ruleset. <paramref name="Repaired"/> is false when the re-apply failed too.
/// </summary>
public sealed record DriftEvent(DateTimeOffset DetectedAt, string What, bool Repaired) : AgentEvent;

/// <summary>The live UPnP / NAT-PMP / PCP mappings (none while UPnP is off).</summary>
/// <param name="Deleted">On the answer to a delete: whether the mapping was there.</param>
public sealed record UpnpMappingsReply(IReadOnlyList<UpnpMapping> Mappings, bool? Deleted = null) : AgentEvent;

/// <summary>
/// One mapping a LAN client made: <paramref name="Client"/> is the address that holds it (in secure mode the only
/// one it may map to), <paramref name="ExpiresAt"/> null for a mapping without expiry.
/// </summary>
public sealed record UpnpMapping(
    string Id,
    string Protocol,
    int ExternalPort,
    string InternalAddress,
    int InternalPort,
    string Description,
    string Client,
    DateTimeOffset? ExpiresAt);
