using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A traffic rule. Rules run in <see cref="Position"/> order (ties by id). The id names the rule's kernel
/// counter and its log prefix, so ids come from an AUTOINCREMENT column and are never reused after a delete.
/// </summary>
public sealed class RuleEntity : IListEntity<TrafficRule>
{
    public int Id { get; set; }

    /// <summary>Where the rule runs; gaps are fine, only the order counts.</summary>
    public int Position { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public RuleChain Chain { get; set; }

    public RuleFamily Family { get; set; }

    public string? InInterface { get; set; }

    public string? OutInterface { get; set; }

    public RuleProtocol Protocol { get; set; }

    public string? Source { get; set; }

    public string? Destination { get; set; }

    public int? DestinationPort { get; set; }

    public int? DestinationPortEnd { get; set; }

    public string? SourceMac { get; set; }

    public RuleAction Action { get; set; }

    public RejectWith? RejectWith { get; set; }

    public FirewallLogLevel? LogLevel { get; set; }

    /// <summary>With <see cref="LimitBurst"/>: both set or both null.</summary>
    public int? LimitRatePerSecond { get; set; }

    public int? LimitBurst { get; set; }

    /// <summary>A system user name (output rules only); resolved to a uid by the agent at every apply.</summary>
    public string? User { get; set; }

    /// <summary>A system group name (output rules only); resolved to a gid by the agent at every apply.</summary>
    public string? Group { get; set; }

    /// <summary>With <see cref="QuotaMode"/>: both set or both null.</summary>
    public long? QuotaBytes { get; set; }

    public QuotaMode? QuotaMode { get; set; }

    public TrafficRule ToRecord() => new(
        Id, Name, Enabled, Chain, Family, InInterface, OutInterface, Protocol, Source, Destination, DestinationPort, DestinationPortEnd,
        SourceMac, Action, RejectWith, LogLevel,
        LimitRatePerSecond is { } rate && LimitBurst is { } burst ? new RuleLimit(rate, burst) : null,
        User,
        Group,
        QuotaBytes is { } bytes && QuotaMode is { } mode ? new RuleQuota(bytes, mode) : null);

    /// <summary>Everything but the id and the position; <paramref name="rule"/>'s source MAC must already be normalised.</summary>
    public void CopyFrom(TrafficRule rule)
    {
        Name = rule.Name;
        Enabled = rule.Enabled;
        Chain = rule.Chain;
        Family = rule.Family;
        InInterface = rule.InInterface;
        OutInterface = rule.OutInterface;
        Protocol = rule.Protocol;
        Source = rule.Source;
        Destination = rule.Destination;
        DestinationPort = rule.DestinationPort;
        DestinationPortEnd = rule.DestinationPortEnd;
        SourceMac = rule.SourceMac;
        Action = rule.Action;
        RejectWith = rule.RejectWith;
        LogLevel = rule.LogLevel;
        LimitRatePerSecond = rule.Limit?.RatePerSecond;
        LimitBurst = rule.Limit?.Burst;
        User = rule.User;
        Group = rule.Group;
        QuotaBytes = rule.Quota?.Bytes;
        QuotaMode = rule.Quota?.Mode;
    }

    public static RuleEntity From(TrafficRule rule, int position)
    {
        var entity = new RuleEntity { Name = rule.Name, Position = position };
        entity.CopyFrom(rule);
        return entity;
    }
}
