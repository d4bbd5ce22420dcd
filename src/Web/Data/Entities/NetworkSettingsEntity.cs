using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row of WAN/LAN settings; absent until setup completes.</summary>
public sealed class NetworkSettingsEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public required string WanInterface { get; set; }

    public required string LanInterface { get; set; }

    public required string LanAddress { get; set; }

    public bool Masquerade { get; set; }

    /// <summary>Null: IPv6 off on the LAN; "auto"; or a static "2001:db8:1::1/64".</summary>
    public string? LanIpv6 { get; set; }

    public NetworkSettings ToRecord() => new(WanInterface, LanInterface, LanAddress, Masquerade, LanIpv6);

    public static NetworkSettingsEntity From(NetworkSettings settings) => new()
    {
        WanInterface = settings.WanInterface,
        LanInterface = settings.LanInterface,
        LanAddress = settings.LanAddress,
        Masquerade = settings.Masquerade,
        LanIpv6 = settings.LanIpv6,
    };

    public void CopyFrom(NetworkSettings settings)
    {
        WanInterface = settings.WanInterface;
        LanInterface = settings.LanInterface;
        LanAddress = settings.LanAddress;
        Masquerade = settings.Masquerade;
        LanIpv6 = settings.LanIpv6;
    }
}
