using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// <c>network</c> of a restore. The three addresses are required; <c>masquerade</c> defaults to true as in setup;
/// no <c>lanIpv6</c> means IPv6 off on the LAN.
/// </summary>
public sealed record NetworkInput(string? WanInterface, string? LanInterface, string? LanAddress, bool? Masquerade, string? LanIpv6)
{
    /// <summary>The settings, with "" standing in for a missing field (reported, and its own rule errors dropped by the caller).</summary>
    public NetworkSettings ToSettings(ValidationErrors errors, string prefix)
    {
        new RequiredFields(errors, prefix)
            .Require(WanInterface, "wanInterface")
            .Require(LanInterface, "lanInterface")
            .Require(LanAddress, "lanAddress");
        return new NetworkSettings(WanInterface ?? "", LanInterface ?? "", LanAddress ?? "", Masquerade ?? true, LanIpv6);
    }
}

/// <summary>
/// <c>logging</c> of a restore. Every first-round field is required: a backup has always carried them, and a level
/// or rate left out is not a choice to guess. <c>dos</c> came later, so a backup without it keeps that category off.
/// </summary>
public sealed record LoggingInput(
    FirewallLogLevel? DroppedInput,
    FirewallLogLevel? DroppedForward,
    FirewallLogLevel? PortForwards,
    FirewallLogLevel? MacFilter,
    int? RatePerMinute,
    int? Burst,
    FirewallLogLevel? Dos)
{
    public LoggingPolicy ToPolicy(ValidationErrors errors, string prefix)
    {
        new RequiredFields(errors, prefix)
            .Require(DroppedInput, "droppedInput")
            .Require(DroppedForward, "droppedForward")
            .Require(PortForwards, "portForwards")
            .Require(MacFilter, "macFilter")
            .Require(RatePerMinute, "ratePerMinute")
            .Require(Burst, "burst");
        var standard = LoggingPolicy.Default;
        return new LoggingPolicy(
            DroppedInput ?? standard.DroppedInput,
            DroppedForward ?? standard.DroppedForward,
            PortForwards ?? standard.PortForwards,
            MacFilter ?? standard.MacFilter,
            RatePerMinute ?? standard.RatePerMinute,
            Burst ?? standard.Burst,
            Dos ?? FirewallLogLevel.Off);
    }
}
