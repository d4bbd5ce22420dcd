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
    bool AntiSpoofing,
    PortScanProtection? PortScan = null)
{
    /// <summary>The port-scan settings in force: <see cref="PortScanProtection.Off"/> when absent (a snapshot that predates them).</summary>
    [JsonIgnore]
    public PortScanProtection PortScanOrOff => PortScan ?? PortScanProtection.Off;

    public static Protection Default { get; } = new(
        WanInputAction.Drop,
        WanPing: false,
        new SynFloodLimit(Enabled: true, RatePerSecond: 25, Burst: 50, PerSource: true),
        new IcmpLimit(RatePerSecond: 10, Burst: 20),
        DropInvalid: true,
        AntiSpoofing: true,
        PortScanProtection.Off);
}

/// <summary>
/// A source outside the LAN that tries <paramref name="Ports"/> distinct closed ports of the router or of forwarded
/// addresses within <paramref name="WithinSeconds"/> is dropped entirely for <paramref name="BlockSeconds"/>.
/// </summary>
public sealed record PortScanProtection(bool Enabled, int Ports, int WithinSeconds, int BlockSeconds)
{
    public const int MinPorts = 2;
    public const int MaxPorts = 1024;
    public const int MaxWithinSeconds = 3600;
    public const int MaxBlockSeconds = 604800;

    /// <summary>Off, with the documented defaults for when it is turned on.</summary>
    public static PortScanProtection Off { get; } = new(Enabled: false, Ports: 10, WithinSeconds: 10, BlockSeconds: 600);
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
