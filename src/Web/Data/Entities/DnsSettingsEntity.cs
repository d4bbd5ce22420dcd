using System.Text.Json;
using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// The one row holding the LAN resolver's settings. The upstream servers and the local names are small lists read and
/// written whole with the settings, so they live in JSON columns rather than tables of their own.
/// </summary>
public sealed class DnsSettingsEntity
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Id { get; set; } = SingletonRow.Id;

    public bool Enabled { get; set; }

    /// <summary>A JSON array of addresses.</summary>
    public string Upstream { get; set; } = "[]";

    /// <summary>A JSON array of <c>{name, address}</c>.</summary>
    public string Hosts { get; set; } = "[]";

    public DnsSettings ToRecord() => new(
        Enabled,
        JsonSerializer.Deserialize<List<string>>(Upstream, Json) ?? [],
        JsonSerializer.Deserialize<List<DnsHost>>(Hosts, Json) ?? []);

    public void CopyFrom(DnsSettings dns)
    {
        Enabled = dns.Enabled;
        Upstream = JsonSerializer.Serialize(dns.Upstream, Json);
        Hosts = JsonSerializer.Serialize(dns.Hosts, Json);
    }
}
