using System.Text.Json;
using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the UPnP settings; the denied ports are a short list kept in a JSON column.</summary>
public sealed class UpnpSettingsEntity
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Id { get; set; } = SingletonRow.Id;

    public bool Enabled { get; set; }

    public bool SecureMode { get; set; } = true;

    public string AllowedPorts { get; set; } = UpnpSettings.DefaultAllowedPorts;

    /// <summary>A JSON array of ports (numbers) and ranges ("137-139").</summary>
    public string DeniedPorts { get; set; } = JsonSerializer.Serialize(UpnpSettings.DefaultDeniedPorts, Json);

    public int LeaseSeconds { get; set; } = UpnpSettings.DefaultLeaseSeconds;

    public UpnpSettings ToRecord() => new(
        Enabled,
        SecureMode,
        AllowedPorts,
        JsonSerializer.Deserialize<List<PortSpan>>(DeniedPorts, Json) ?? [],
        LeaseSeconds);

    public void CopyFrom(UpnpSettings upnp)
    {
        Enabled = upnp.Enabled;
        SecureMode = upnp.SecureMode;
        AllowedPorts = upnp.AllowedPorts;
        DeniedPorts = JsonSerializer.Serialize(upnp.DeniedPorts, Json);
        LeaseSeconds = upnp.LeaseSeconds;
    }
}
