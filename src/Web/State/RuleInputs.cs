using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>The body of POST/PUT /api/v1/rules; nullable so a missing field is a field error, not a crash.</summary>
public sealed record RuleInput(
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
    RuleLimitInput? Limit,
    string? User = null,
    string? Group = null,
    RuleQuotaInput? Quota = null)
{
    /// <summary>Fills defaults and reports every missing required field; the rules themselves live in <see cref="ConfigValidator"/>.</summary>
    public TrafficRule? ToRule(int id, ValidationErrors errors, string prefix = "")
    {
        // '&' not '&&': every missing field is reported, not just the first.
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Chain, "chain")
            .Require(Action, "action")
            .Complete;
        var limit = Limit?.ToLimit(errors, ValidationErrors.Path(prefix, "limit"));
        var quota = Quota?.ToQuota(errors, ValidationErrors.Path(prefix, "quota"));
        if (!complete || (Limit is not null && limit is null) || (Quota is not null && quota is null))
        {
            return null;
        }

        // Invalid MACs stay as typed so the validator reports them; valid ones are stored normalised.
        var sourceMac = OrNull(SourceMac);
        if (sourceMac is not null && MacAddress.TryNormalize(sourceMac, out var normalized))
        {
            sourceMac = normalized;
        }

        return new TrafficRule(
            id,
            Name!,
            Enabled ?? true,
            Chain!.Value,
            Family ?? RuleFamily.Any,
            OrNull(InInterface),
            OrNull(OutInterface),
            Protocol ?? RuleProtocol.Any,
            OrNull(Source),
            OrNull(Destination),
            DestinationPort,
            DestinationPortEnd,
            sourceMac,
            Action!.Value,
            RejectWith,
            LogLevel,
            limit,
            OrNull(User),
            OrNull(Group),
            quota);
    }

    public static RuleInput From(TrafficRule rule) => new(
        rule.Name, rule.Enabled, rule.Chain, rule.Family, rule.InInterface, rule.OutInterface, rule.Protocol, rule.Source,
        rule.Destination, rule.DestinationPort, rule.DestinationPortEnd, rule.SourceMac, rule.Action, rule.RejectWith, rule.LogLevel,
        rule.Limit is { } limit ? new RuleLimitInput(limit.RatePerSecond, limit.Burst) : null,
        rule.User,
        rule.Group,
        rule.Quota is { } quota ? new RuleQuotaInput(quota.Bytes, quota.Mode) : null);

    /// <summary>Forms send empty text for an untouched optional field; it means "not set".</summary>
    private static string? OrNull(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>A rule's optional rate limit; when given, both fields are required.</summary>
public sealed record RuleLimitInput(int? RatePerSecond, int? Burst)
{
    public RuleLimit? ToLimit(ValidationErrors errors, string prefix)
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(RatePerSecond, "ratePerSecond")
            .Require(Burst, "burst")
            .Complete;
        return complete ? new RuleLimit(RatePerSecond!.Value, Burst!.Value) : null;
    }
}

/// <summary>A rule's optional quota; when given, both fields are required.</summary>
public sealed record RuleQuotaInput(long? Bytes, QuotaMode? Mode)
{
    public RuleQuota? ToQuota(ValidationErrors errors, string prefix)
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(Bytes, "bytes")
            .Require(Mode, "mode")
            .Complete;
        return complete ? new RuleQuota(Bytes!.Value, Mode!.Value) : null;
    }
}

/// <summary>
/// The body of PUT /api/v1/protection. A missing field takes its value from <see cref="Protection.Default"/>,
/// not from the stored settings: the defaults are the safe values, so leaving a field out never weakens protection.
/// </summary>
public sealed record ProtectionInput(
    WanInputAction? WanInput,
    bool? WanPing,
    SynFloodInput? SynFlood,
    IcmpLimitInput? IcmpLimit,
    bool? DropInvalid,
    bool? AntiSpoofing,
    PortScanInput? PortScan = null)
{
    public Protection ToProtection()
    {
        var defaults = Protection.Default;
        return new Protection(
            WanInput ?? defaults.WanInput,
            WanPing ?? defaults.WanPing,
            SynFlood?.ToLimit() ?? defaults.SynFlood,
            IcmpLimit?.ToLimit() ?? defaults.IcmpLimit,
            DropInvalid ?? defaults.DropInvalid,
            AntiSpoofing ?? defaults.AntiSpoofing,
            PortScan?.ToProtection() ?? PortScanProtection.Off);
    }

    public static ProtectionInput From(Protection protection) => new(
        protection.WanInput,
        protection.WanPing,
        new SynFloodInput(protection.SynFlood.Enabled, protection.SynFlood.RatePerSecond, protection.SynFlood.Burst, protection.SynFlood.PerSource),
        new IcmpLimitInput(protection.IcmpLimit.RatePerSecond, protection.IcmpLimit.Burst),
        protection.DropInvalid,
        protection.AntiSpoofing,
        PortScanInput.From(protection.PortScanOrOff));
}

/// <summary>Missing fields take <see cref="PortScanProtection.Off"/>'s (off; 10 ports in 10 s block for 600 s).</summary>
public sealed record PortScanInput(bool? Enabled, int? Ports, int? WithinSeconds, int? BlockSeconds)
{
    public PortScanProtection ToProtection()
    {
        var defaults = PortScanProtection.Off;
        return new PortScanProtection(
            Enabled ?? defaults.Enabled,
            Ports ?? defaults.Ports,
            WithinSeconds ?? defaults.WithinSeconds,
            BlockSeconds ?? defaults.BlockSeconds);
    }

    public static PortScanInput From(PortScanProtection scan) => new(scan.Enabled, scan.Ports, scan.WithinSeconds, scan.BlockSeconds);
}

/// <summary>Missing fields take <see cref="Protection.Default"/>'s.</summary>
public sealed record SynFloodInput(bool? Enabled, int? RatePerSecond, int? Burst, bool? PerSource)
{
    public SynFloodLimit ToLimit()
    {
        var defaults = Protection.Default.SynFlood;
        return new SynFloodLimit(
            Enabled ?? defaults.Enabled,
            RatePerSecond ?? defaults.RatePerSecond,
            Burst ?? defaults.Burst,
            PerSource ?? defaults.PerSource);
    }
}

/// <summary>Missing fields take <see cref="Protection.Default"/>'s.</summary>
public sealed record IcmpLimitInput(int? RatePerSecond, int? Burst)
{
    public IcmpLimit ToLimit()
    {
        var defaults = Protection.Default.IcmpLimit;
        return new IcmpLimit(RatePerSecond ?? defaults.RatePerSecond, Burst ?? defaults.Burst);
    }
}
