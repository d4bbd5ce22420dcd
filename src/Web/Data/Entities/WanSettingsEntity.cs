using System.Text.Json;
using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the uplink's settings; the DNS list is small and read whole, so a JSON column.</summary>
public sealed class WanSettingsEntity
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Id { get; set; } = SingletonRow.Id;

    public WanMode Mode { get; set; }

    public string? Address { get; set; }

    public string? Gateway { get; set; }

    /// <summary>A JSON array of addresses.</summary>
    public string Dns { get; set; } = "[]";

    public WanIpv6 Ipv6 { get; set; }

    public int? PrefixHint { get; set; }

    public WanSettings ToRecord() => new(
        Mode, Address, Gateway, JsonSerializer.Deserialize<List<string>>(Dns, Json) ?? [], Ipv6, PrefixHint);

    public void CopyFrom(WanSettings wan)
    {
        Mode = wan.Mode;
        Address = wan.Address;
        Gateway = wan.Gateway;
        Dns = JsonSerializer.Serialize(wan.Dns, Json);
        Ipv6 = wan.Ipv6;
        PrefixHint = wan.PrefixHint;
    }
}
