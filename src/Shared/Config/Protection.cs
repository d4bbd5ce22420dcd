using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// DoS limits and the built-in defaults for traffic from the WAN. <see cref="Default"/> is what a fresh router
/// gets: closed to the WAN, no WAN ping, SYN and echo limits per source, invalid packets and spoofed sources dropped.
/// </summary>
public sealed record Protection(
    WanInputAction WanInput,
    bool WanPing,
    SynFloodLimit SynFlood,
    IcmpLimit IcmpLimit,
    bool DropInvalid,
    bool AntiSpoofing)
{
    public static Protection Default { get; } = new(
        WanInputAction.Drop,
        WanPing: false,
        new SynFloodLimit(Enabled: true, RatePerSecond: 25, Burst: 50, PerSource: true),
        new IcmpLimit(RatePerSecond: 10, Burst: 20),
        DropInvalid: true,
        AntiSpoofing: true);
}

/// <summary>New TCP connections to the router (from any link but the LAN) and through forwards.</summary>
public sealed record SynFloodLimit(bool Enabled, int RatePerSecond, int Burst, bool PerSource);

/// <summary>Echo requests to and through the router, one limit per source address.</summary>
public sealed record IcmpLimit(int RatePerSecond, int Burst);

/// <summary>What unsolicited traffic from outside the LAN to the router meets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WanInputAction>))]
public enum WanInputAction
{
    [JsonStringEnumMemberName("drop")] Drop,
    /// <summary>TCP gets a reset, everything else port-unreachable.</summary>
    [JsonStringEnumMemberName("reject")] Reject,
}
