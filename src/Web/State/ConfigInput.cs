using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// The body of PUT /api/v1/config. The first-round resources keep their record types; rules and protection are
/// read through their input records, so a field left out is reported (a rule without <c>action</c>) or takes its
/// safe default (protection) instead of becoming an enum's zero value: a restore never weakens the firewall by omission.
/// </summary>
/// <remarks>No <c>rules</c> key means no rules; no <c>protection</c> key means <see cref="Protection.Default"/>.</remarks>
public sealed record ConfigInput(
    NetworkSettings? Network,
    IReadOnlyList<PortForward>? PortForwards,
    IReadOnlyList<MacFilter>? MacFilters,
    MacPolicy? MacPolicy,
    LoggingPolicy? Logging,
    IReadOnlyList<ConfigRuleInput?>? Rules,
    ProtectionInput? Protection)
{
    /// <summary>
    /// The config to validate, with the rules converted one by one: <paramref name="rules"/> holds null where a
    /// rule lacks a required field (reported in <paramref name="errors"/> under <c>rules[i]</c>).
    /// </summary>
    public GatewayConfig ToConfig(ValidationErrors errors, out IReadOnlyList<TrafficRule?> rules)
    {
        var converted = new List<TrafficRule?>(Rules?.Count ?? 0);
        for (var i = 0; i < (Rules?.Count ?? 0); i++)
        {
            var prefix = $"rules[{i}]";
            if (Rules![i] is not { } item)
            {
                errors.Add(prefix, "A rule is required.");
                converted.Add(null);
                continue;
            }

            converted.Add(item.ToInput().ToRule(item.Id ?? 0, errors, prefix));
        }

        rules = converted;
        // The first-round members stay null when missing, as before, so the validator names them.
        return new GatewayConfig(
            Network!,
            PortForwards!,
            MacFilters!,
            MacPolicy!,
            Logging!,
            converted.OfType<TrafficRule>().ToList(),
            Protection?.ToProtection() ?? Shared.Config.Protection.Default);
    }
}

/// <summary>
/// One rule of a restore: the <see cref="RuleInput"/> fields plus an optional <c>id</c> (kept when it names a rule
/// that exists). A <c>hits</c> property, as a rules listing carries, is ignored like every unknown property.
/// </summary>
public sealed record ConfigRuleInput(
    int? Id,
    string? Name,
    bool? Enabled,
    RuleChain? Chain,
    RuleFamily? Family,
    string? InInterface,
    string? OutInterface,
    RuleProtocol? Protocol,
    string? Source,
    string? Destination,
    int? DestinationPort,
    int? DestinationPortEnd,
    string? SourceMac,
    RuleAction? Action,
    RejectWith? RejectWith,
    FirewallLogLevel? LogLevel,
    RuleLimitInput? Limit)
{
    public RuleInput ToInput() => new(
        Name, Enabled, Chain, Family, InInterface, OutInterface, Protocol, Source, Destination, DestinationPort, DestinationPortEnd,
        SourceMac, Action, RejectWith, LogLevel, Limit);
}
