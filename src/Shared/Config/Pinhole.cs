namespace Gateway.Shared.Config;

/// <summary>
/// An IPv6 pinhole: inbound from the WAN to one LAN host's port (range) is allowed. The host is named by what
/// survives a prefix change — <see cref="HostSuffix"/> (its interface identifier, the low 64 bits: "::10") or
/// <see cref="Mac"/> (every IPv6 address that MAC holds on the LAN, as the neighbour table learns them) —
/// exactly one of the two. <see cref="SourceCidr"/> optionally restricts who may come in.
/// </summary>
public sealed record Pinhole(
    int Id,
    string Name,
    bool Enabled,
    ForwardProtocol Protocol,
    int Port,
    int? PortEnd,
    string? HostSuffix,
    string? Mac,
    string? SourceCidr);
