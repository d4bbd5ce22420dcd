using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding DHCP for the LAN.</summary>
public sealed class DhcpSettingsEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public bool Enabled { get; set; }

    public string? RangeStart { get; set; }

    public string? RangeEnd { get; set; }

    public int LeaseSeconds { get; set; } = DhcpSettings.DefaultLeaseSeconds;

    public string Domain { get; set; } = DhcpSettings.DefaultDomain;

    public DhcpSettings ToRecord() => new(Enabled, RangeStart, RangeEnd, LeaseSeconds, Domain);

    public void CopyFrom(DhcpSettings dhcp)
    {
        Enabled = dhcp.Enabled;
        RangeStart = dhcp.RangeStart;
        RangeEnd = dhcp.RangeEnd;
        LeaseSeconds = dhcp.LeaseSeconds;
        Domain = dhcp.Domain;
    }
}
