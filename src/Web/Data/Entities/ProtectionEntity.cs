using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the DoS limits and WAN defaults, flattened.</summary>
public sealed class ProtectionEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public WanInputAction WanInput { get; set; }

    public bool WanPing { get; set; }

    public bool SynFloodEnabled { get; set; }

    public int SynFloodRatePerSecond { get; set; }

    public int SynFloodBurst { get; set; }

    public bool SynFloodPerSource { get; set; }

    public int IcmpRatePerSecond { get; set; }

    public int IcmpBurst { get; set; }

    public bool DropInvalid { get; set; }

    public bool AntiSpoofing { get; set; }

    public bool PortScanEnabled { get; set; }

    public int PortScanPorts { get; set; }

    public int PortScanWithinSeconds { get; set; }

    public int PortScanBlockSeconds { get; set; }

    public Protection ToRecord() => new(
        WanInput,
        WanPing,
        new SynFloodLimit(SynFloodEnabled, SynFloodRatePerSecond, SynFloodBurst, SynFloodPerSource),
        new IcmpLimit(IcmpRatePerSecond, IcmpBurst),
        DropInvalid,
        AntiSpoofing,
        new PortScanProtection(PortScanEnabled, PortScanPorts, PortScanWithinSeconds, PortScanBlockSeconds));

    public void CopyFrom(Protection protection)
    {
        WanInput = protection.WanInput;
        WanPing = protection.WanPing;
        SynFloodEnabled = protection.SynFlood.Enabled;
        SynFloodRatePerSecond = protection.SynFlood.RatePerSecond;
        SynFloodBurst = protection.SynFlood.Burst;
        SynFloodPerSource = protection.SynFlood.PerSource;
        IcmpRatePerSecond = protection.IcmpLimit.RatePerSecond;
        IcmpBurst = protection.IcmpLimit.Burst;
        DropInvalid = protection.DropInvalid;
        AntiSpoofing = protection.AntiSpoofing;
        var scan = protection.PortScanOrOff;
        PortScanEnabled = scan.Enabled;
        PortScanPorts = scan.Ports;
        PortScanWithinSeconds = scan.WithinSeconds;
        PortScanBlockSeconds = scan.BlockSeconds;
    }
}
