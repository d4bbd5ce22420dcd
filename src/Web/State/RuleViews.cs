using Gateway.Shared.Config;

namespace Gateway.Web.State;

/// <summary>
/// A rule's kernel counter as last sampled (zero before the first sample or while the agent is away), and for a rule
/// with a quota the bytes its quota has counted (null for a rule without one, 0 before the first sample).
/// </summary>
public sealed record RuleHitsView(long Packets, long Bytes, long? QuotaUsedBytes = null)
{
    public static RuleHitsView None { get; } = new(0, 0);
}

/// <summary>
/// A rule as the API and the panel show it: the <see cref="TrafficRule"/> fields in the same order and JSON
/// names, plus the read-only <see cref="Hits"/>.
/// </summary>
public sealed record RuleView(
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
    string? User,
    string? Group,
    RuleQuota? Quota,
    RuleHitsView Hits)
{
    public static RuleView From(TrafficRule rule, RuleHitsView hits) => new(
        rule.Id, rule.Name, rule.Enabled, rule.Chain, rule.Family, rule.InInterface, rule.OutInterface, rule.Protocol, rule.Source,
        rule.Destination, rule.DestinationPort, rule.DestinationPortEnd, rule.SourceMac, rule.Action, rule.RejectWith, rule.LogLevel,
        rule.Limit, rule.User, rule.Group, rule.Quota, hits);

    public TrafficRule ToRule() => new(
        Id, Name, Enabled, Chain, Family, InInterface, OutInterface, Protocol, Source, Destination, DestinationPort, DestinationPortEnd,
        SourceMac, Action, RejectWith, LogLevel, Limit, User, Group, Quota);
}
