namespace Gateway.Web.Devices;

/// <summary>
/// What the recorder knows of one device: remembered (first and last seen, the DHCP host name, byte totals, today's
/// bytes) and live from the agent's last answer (addresses, online, connections, rate).
/// </summary>
public sealed record DeviceState(
    string Mac,
    string? HostName,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long RxBytes,
    long TxBytes,
    long TodayRxBytes,
    long TodayTxBytes,
    IReadOnlyList<string> Addresses,
    bool Online,
    long Connections,
    long RxBps,
    long TxBps);
