namespace Gateway.Shared.Config;

/// <summary>
/// WAN/LAN interfaces and the router's LAN address in CIDR form ("192.168.1.1/24").
/// Interface names may end in one '*' (e.g. "ppp*") to match a family of links.
/// </summary>
public sealed record NetworkSettings(
    string WanInterface,
    string LanInterface,
    string LanAddress,
    bool Masquerade = true);
