using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.Firewall;

/// <summary>
/// The add/edit form's fields. Selects hold the enum's name ("" = not chosen) so that an untouched chain or
/// action reaches the service as missing and comes back as "Required."; numbers are text so that "abc" is a
/// field error rather than silently dropped. Property names follow the service's error keys
/// (limit.ratePerSecond → RatePerSecond) so <see cref="Shared.ServerValidator"/> puts each error beside its field.
/// </summary>
public sealed class RuleFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public string Chain { get; set; } = "";

    public string Family { get; set; } = nameof(RuleFamily.Any);

    public string? InInterface { get; set; }

    public string? OutInterface { get; set; }

    public string Protocol { get; set; } = nameof(RuleProtocol.Any);

    public string Source { get; set; } = "";

    public string Destination { get; set; } = "";

    public string DestinationPort { get; set; } = "";

    public string DestinationPortEnd { get; set; } = "";

    public string SourceMac { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>"" = the default answer.</summary>
    public string RejectWith { get; set; } = "";

    /// <summary>"" = the rule does not log, else a level word.</summary>
    public string LogLevel { get; set; } = "";

    public bool HasLimit { get; set; }

    public string RatePerSecond { get; set; } = "";

    public string Burst { get; set; } = "";

    /// <summary>A system user name (output rules only).</summary>
    public string User { get; set; } = "";

    /// <summary>A system group name (output rules only).</summary>
    public string Group { get; set; } = "";

    public bool HasQuota { get; set; }

    /// <summary>The quota's bytes (named for the error key quota.bytes).</summary>
    public string Bytes { get; set; } = "";

    /// <summary>The quota's mode (named for the error key quota.mode).</summary>
    public string Mode { get; set; } = nameof(QuotaMode.Until);

    public RuleChain? ChainValue => Parse<RuleChain>(Chain);

    public RuleAction? ActionValue => Parse<RuleAction>(Action);

    /// <summary>Ports apply only to these protocols; the form hides them otherwise.</summary>
    public bool ShowsPorts => Parse<RuleProtocol>(Protocol) is RuleProtocol.Tcp or RuleProtocol.Udp or RuleProtocol.TcpUdp;

    /// <summary>Packets to the router itself have no output interface.</summary>
    public bool ShowsOutInterface => ChainValue != RuleChain.Input;

    /// <summary>Packets the router sends have no input interface.</summary>
    public bool ShowsInInterface => ChainValue != RuleChain.Output;

    public bool ShowsRejectWith => ActionValue == RuleAction.Reject;

    /// <summary>Only the router's own packets carry the sending process's user and group.</summary>
    public bool ShowsAccounts => ChainValue == RuleChain.Output;

    public static RuleFormModel From(RuleView rule) => new()
    {
        Name = rule.Name,
        Enabled = rule.Enabled,
        Chain = rule.Chain.ToString(),
        Family = rule.Family.ToString(),
        InInterface = rule.InInterface,
        OutInterface = rule.OutInterface,
        Protocol = rule.Protocol.ToString(),
        Source = rule.Source ?? "",
        Destination = rule.Destination ?? "",
        DestinationPort = Text(rule.DestinationPort),
        DestinationPortEnd = Text(rule.DestinationPortEnd),
        SourceMac = rule.SourceMac ?? "",
        Action = rule.Action.ToString(),
        // The selects offer "default" and "don't log" as "": an explicit Default or Off means the same.
        RejectWith = rule.RejectWith is { } with && with != Gateway.Shared.Config.RejectWith.Default ? with.ToString() : "",
        LogLevel = rule.LogLevel is { } level && level != FirewallLogLevel.Off ? level.ToWord() : "",
        HasLimit = rule.Limit is not null,
        RatePerSecond = Text(rule.Limit?.RatePerSecond),
        Burst = Text(rule.Limit?.Burst),
        User = rule.User ?? "",
        Group = rule.Group ?? "",
        HasQuota = rule.Quota is not null,
        Bytes = rule.Quota?.Bytes.ToString(CultureInfo.InvariantCulture) ?? "",
        Mode = (rule.Quota?.Mode ?? QuotaMode.Until).ToString(),
    };

    /// <summary>
    /// The service input, or the fields that are not even numbers (keyed like the service's errors). Fields the
    /// form hides (ports without tcp/udp, rejectWith without reject, the interface a chain can't have) are left
    /// out: the API refuses them rather than ignoring them, and the user can't see them to fix them.
    /// </summary>
    public (RuleInput? Input, Dictionary<string, string[]> Errors) ToInput()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var port = ShowsPorts ? ParseNumber(DestinationPort, "destinationPort", "A port between 1 and 65535.", errors) : null;
        var portEnd = ShowsPorts ? ParseNumber(DestinationPortEnd, "destinationPortEnd", "A port between 1 and 65535.", errors) : null;
        RuleLimitInput? limit = null;
        if (HasLimit)
        {
            limit = new RuleLimitInput(
                ParseNumber(RatePerSecond, "limit.ratePerSecond", "A whole number of packets per second.", errors),
                ParseNumber(Burst, "limit.burst", "A whole number of packets.", errors));
        }

        RuleQuotaInput? quota = null;
        if (HasQuota)
        {
            long? bytes = null;
            if (!string.IsNullOrWhiteSpace(Bytes))
            {
                if (long.TryParse(Bytes.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    bytes = value;
                }
                else
                {
                    errors["quota.bytes"] = ["A whole number of bytes."];
                }
            }

            quota = new RuleQuotaInput(bytes, Parse<QuotaMode>(Mode));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        FirewallLogLevel? level = LogLevel.Length > 0 && FirewallLogLevels.TryParse(LogLevel, out var parsed) ? parsed : null;
        var input = new RuleInput(
            Trimmed(Name), // empty is missing: "Required." rather than a length error
            Enabled,
            ChainValue,
            Parse<RuleFamily>(Family),
            ShowsInInterface ? Trimmed(InInterface) : null,
            ShowsOutInterface ? Trimmed(OutInterface) : null,
            Parse<RuleProtocol>(Protocol),
            Trimmed(Source),
            Trimmed(Destination),
            port,
            portEnd,
            Trimmed(SourceMac),
            ActionValue,
            ShowsRejectWith ? Parse<RejectWith>(RejectWith) : null,
            level,
            limit,
            ShowsAccounts ? Trimmed(User) : null,
            ShowsAccounts ? Trimmed(Group) : null,
            quota);
        return (input, errors);
    }

    /// <summary>The stored rule with only <paramref name="enabled"/> changed (the grid's switch).</summary>
    public static RuleInput ToInput(RuleView rule, bool enabled) => RuleInput.From(rule.ToRule() with { Enabled = enabled });

    private static T? Parse<T>(string text)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) ? value : null;

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Empty is "not set" (the service says whether that is allowed); anything else must be digits.</summary>
    private static int? ParseNumber(string text, string key, string message, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors[key] = [message];
        return null;
    }
}
