namespace Gateway.Web.Data.Entities;

/// <summary>
/// A LAN device the router has seen, by MAC (lower case with ':'), remembered across restarts. The agent's last
/// byte reading (its epoch and totals) is stored beside the device's own totals, written in the same transaction,
/// so a web restart continues from exactly where the stored totals end.
/// </summary>
public sealed class DeviceEntity
{
    public required string Mac { get; set; }

    /// <summary>The host name its DHCP client last sent, if any.</summary>
    public string? HostName { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public long RxBytes { get; set; }

    public long TxBytes { get; set; }

    public string? AgentEpoch { get; set; }

    public long AgentRxBytes { get; set; }

    public long AgentTxBytes { get; set; }
}
