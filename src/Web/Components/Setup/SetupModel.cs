namespace Gateway.Web.Components.Setup;

/// <summary>What the wizard collects across its steps before one call to the setup service.</summary>
public sealed class SetupModel
{
    public string AdminPassword { get; set; } = "";

    public string ConfirmPassword { get; set; } = "";

    public string? WanInterface { get; set; }

    public string? LanInterface { get; set; }

    /// <summary>The router's own LAN address, without the prefix.</summary>
    public string LanAddress { get; set; } = "192.168.1.1";

    public int LanPrefix { get; set; } = 24;

    public bool Masquerade { get; set; } = true;

    /// <summary>network.lanIpv6: null = off (the default), "auto", or a static "2001:db8:1::1/64".</summary>
    public string? LanIpv6 { get; set; }

    public string LanCidr => $"{LanAddress.Trim()}/{LanPrefix}";
}
