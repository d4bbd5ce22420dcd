using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// One traffic rule. Rules run in list order, first match wins, after established/related traffic is
/// accepted and before the built-in defaults. <see cref="Source"/> and <see cref="Destination"/> are a host or
/// CIDR of the rule's family; with <see cref="RuleFamily.Any"/> an address fixes the family.
/// </summary>
public sealed record TrafficRule(
    int Id,
    string Name,
    bool Enabled,
    RuleChain Chain,
    RuleFamily Family,
    string? InInterface,
    string? OutInterface,
    RuleProtocol Protocol,
    string? Source,
    string? Destination,
    int? DestinationPort,
    int? DestinationPortEnd,
    string? SourceMac,
    RuleAction Action,
    RejectWith? RejectWith,
    FirewallLogLevel? LogLevel,
    RuleLimit? Limit,
    string? User = null,
    string? Group = null,
    RuleQuota? Quota = null)
{
    /// <summary>What a reject sends; <see cref="Config.RejectWith.Default"/> when not given.</summary>
    [JsonIgnore]
    public RejectWith EffectiveRejectWith => RejectWith ?? Config.RejectWith.Default;

    [JsonIgnore]
    public bool HasPorts => Protocol is RuleProtocol.Tcp or RuleProtocol.Udp or RuleProtocol.TcpUdp;
}

/// <summary>The rule matches only while packets arrive within this rate (nft <c>limit rate … burst …</c>).</summary>
public sealed record RuleLimit(int RatePerSecond, int Burst);

/// <summary>
/// A byte budget on a rule (a named nft <c>quota</c> object): with <see cref="QuotaMode.Until"/> the rule matches
/// until <see cref="Bytes"/> bytes have matched it, with <see cref="QuotaMode.Over"/> only after.
/// </summary>
public sealed record RuleQuota(long Bytes, QuotaMode Mode);

[JsonConverter(typeof(JsonStringEnumConverter<QuotaMode>))]
public enum QuotaMode
{
    /// <summary>Matches until the bytes are used up.</summary>
    [JsonStringEnumMemberName("until")] Until,
    /// <summary>Matches only once the bytes are used up.</summary>
    [JsonStringEnumMemberName("over")] Over,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleChain>))]
public enum RuleChain
{
    /// <summary>To the router itself.</summary>
    [JsonStringEnumMemberName("input")] Input,
    /// <summary>Through the router.</summary>
    [JsonStringEnumMemberName("forward")] Forward,
    /// <summary>From the router itself.</summary>
    [JsonStringEnumMemberName("output")] Output,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleFamily>))]
public enum RuleFamily
{
    [JsonStringEnumMemberName("any")] Any,
    [JsonStringEnumMemberName("ipv4")] Ipv4,
    [JsonStringEnumMemberName("ipv6")] Ipv6,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleProtocol>))]
public enum RuleProtocol
{
    [JsonStringEnumMemberName("any")] Any,
    [JsonStringEnumMemberName("tcp")] Tcp,
    [JsonStringEnumMemberName("udp")] Udp,
    [JsonStringEnumMemberName("tcp+udp")] TcpUdp,
    [JsonStringEnumMemberName("icmp")] Icmp,
    [JsonStringEnumMemberName("icmpv6")] Icmpv6,
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleAction>))]
public enum RuleAction
{
    [JsonStringEnumMemberName("accept")] Accept,
    [JsonStringEnumMemberName("drop")] Drop,
    [JsonStringEnumMemberName("reject")] Reject,
}

/// <summary>What a reject answers with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RejectWith>))]
public enum RejectWith
{
    /// <summary>A TCP reset for TCP, port-unreachable for everything else.</summary>
    [JsonStringEnumMemberName("default")] Default,
    [JsonStringEnumMemberName("tcp-reset")] TcpReset,
    [JsonStringEnumMemberName("port-unreachable")] PortUnreachable,
    [JsonStringEnumMemberName("host-unreachable")] HostUnreachable,
    [JsonStringEnumMemberName("net-unreachable")] NetUnreachable,
    [JsonStringEnumMemberName("prot-unreachable")] ProtUnreachable,
    [JsonStringEnumMemberName("admin-prohibited")] AdminProhibited,
    [JsonStringEnumMemberName("host-prohibited")] HostProhibited,
    [JsonStringEnumMemberName("net-prohibited")] NetProhibited,
}

public static class RejectWiths
{
    /// <summary>ICMP messages IPv6 has no counterpart for; a rule of family ipv6 can't use them.</summary>
    public static bool IsIpv4Only(this RejectWith with) =>
        with is RejectWith.ProtUnreachable or RejectWith.HostProhibited or RejectWith.NetProhibited;
}
