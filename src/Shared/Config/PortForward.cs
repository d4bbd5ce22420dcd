using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// DNAT from the WAN side to a LAN host. <see cref="ExternalPortEnd"/> makes a range that maps
/// one-to-one by offset onto the internal range starting at <see cref="InternalPort"/>.
/// </summary>
public sealed record PortForward(
    int Id,
    string Name,
    bool Enabled,
    ForwardProtocol Protocol,
    int ExternalPort,
    int? ExternalPortEnd,
    string InternalAddress,
    int? InternalPort,
    string? SourceCidr,
    bool Reflection = true,
    bool FtpHelper = false,
    FirewallLogLevel? LogLevel = null,
    ConntrackHelper? Helper = null)
{
    /// <summary>The helper on this forward's traffic: <see cref="Helper"/>, or FTP through the older <see cref="FtpHelper"/> alias.</summary>
    [JsonIgnore]
    public ConntrackHelper? EffectiveHelper => Helper ?? (FtpHelper ? ConntrackHelper.Ftp : null);

    /// <summary>Last external port (same as <see cref="ExternalPort"/> when not a range).</summary>
    [JsonIgnore]
    public int ExternalLast => ExternalPortEnd ?? ExternalPort;

    /// <summary>First internal port (defaults to the external port).</summary>
    [JsonIgnore]
    public int InternalFirst => InternalPort ?? ExternalPort;

    [JsonIgnore]
    public int PortCount => ExternalLast - ExternalPort + 1;

    [JsonIgnore]
    public bool CoversTcp => Protocol is ForwardProtocol.Tcp or ForwardProtocol.Both;

    [JsonIgnore]
    public bool CoversUdp => Protocol is ForwardProtocol.Udp or ForwardProtocol.Both;

    /// <summary>True when both forwards share a protocol and their external ranges intersect.</summary>
    public bool OverlapsWith(PortForward other) =>
        ((CoversTcp && other.CoversTcp) || (CoversUdp && other.CoversUdp))
        && ExternalPort <= other.ExternalLast
        && other.ExternalPort <= ExternalLast;
}
