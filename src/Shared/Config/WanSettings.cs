using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>Who brings the WAN link up.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WanMode>))]
public enum WanMode
{
    /// <summary>The host's own networking, as before the agent managed the uplink.</summary>
    [JsonStringEnumMemberName("unmanaged")] Unmanaged,

    /// <summary>The agent runs a DHCP client (dhcpcd) on the WAN link only.</summary>
    [JsonStringEnumMemberName("dhcp")] Dhcp,

    /// <summary>The agent sets the address, default route and DNS servers given here.</summary>
    [JsonStringEnumMemberName("static")] Static,
}

/// <summary>IPv6 on the uplink.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WanIpv6>))]
public enum WanIpv6
{
    [JsonStringEnumMemberName("off")] Off,

    /// <summary>SLAAC on the WAN and a DHCPv6 prefix delegation whose first /64 numbers the LAN.</summary>
    [JsonStringEnumMemberName("auto")] Auto,
}

/// <summary>
/// The uplink. A snapshot without <c>wan</c> is <see cref="WanMode.Unmanaged"/>: an install from before the agent
/// managed the WAN keeps its host-configured uplink. <see cref="Address"/> ("a.b.c.d/len"), <see cref="Gateway"/> and
/// <see cref="Dns"/> are used in static mode; <see cref="PrefixHint"/> is the delegated prefix length asked for.
/// </summary>
public sealed record WanSettings(
    WanMode Mode = WanMode.Unmanaged,
    string? Address = null,
    string? Gateway = null,
    IReadOnlyList<string>? Dns = null,
    WanIpv6 Ipv6 = WanIpv6.Off,
    int? PrefixHint = null)
{
    public const int MinPrefixHint = 48;
    public const int MaxPrefixHint = 64;

    public static WanSettings Unmanaged { get; } = new();

    public IReadOnlyList<string> Dns { get; init; } = Dns ?? [];

    /// <summary>True when the agent runs the DHCP client: DHCP mode, or IPv6 auto (prefix delegation) with a static IPv4.</summary>
    [JsonIgnore]
    public bool RunsClient => Mode == WanMode.Dhcp || (Mode == WanMode.Static && Ipv6 == WanIpv6.Auto);
}
