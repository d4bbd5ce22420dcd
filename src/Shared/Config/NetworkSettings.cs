namespace Gateway.Shared.Config;

/// <summary>
/// WAN/LAN interfaces and the router's LAN address in CIDR form ("192.168.1.1/24").
/// Interface names may end in one '*' (e.g. "ppp*") to match a family of links.
/// <see cref="LanIpv6"/>: null = IPv6 off; <see cref="Ipv6Auto"/> = the LAN link's global prefix as the kernel has
/// it, followed when it changes; or a static "2001:db8:1::1/64" the agent puts on the LAN link.
/// </summary>
public sealed record NetworkSettings(
    string WanInterface,
    string LanInterface,
    string LanAddress,
    bool Masquerade = true,
    string? LanIpv6 = null)
{
    public const string Ipv6Auto = "auto";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Ipv6Enabled => LanIpv6 is not null;
}
