using Gateway.Web.Components.Shared;

namespace Gateway.Web.Components.Setup;

/// <summary>What the wizard collects across its steps before one call to the setup service.</summary>
public sealed class SetupModel
{
    public string AdminPassword { get; set; } = "";

    public string ConfirmPassword { get; set; } = "";

    public string? WanInterface { get; set; }

    public string? LanInterface { get; set; }

    /// <summary>network.lanAddress: the router's own LAN address with the prefix, one field as in Settings.</summary>
    public string LanCidr { get; set; } = "192.168.1.1/24";

    /// <summary>The address the chosen LAN link already carries (from the agent), the source of the hints' examples.</summary>
    public string? DetectedLanCidr { get; set; }

    public bool Masquerade { get; set; } = true;

    /// <summary>network.lanIpv6: null = off (the default), "auto", or a static "2001:db8:1::1/64".</summary>
    public string? LanIpv6 { get; set; }

    /// <summary>The uplink (setup's <c>wan</c>).</summary>
    public WanModel Wan { get; } = new();

    /// <summary>
    /// The WAN interface the WAN step last suggested a mode for: the suggestion follows a changed interface but never
    /// overrides what the owner chose for the same one.
    /// </summary>
    public string? WanModeSuggestedFor { get; set; }
}
