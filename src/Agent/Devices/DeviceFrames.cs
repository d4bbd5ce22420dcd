using Gateway.Agent.Links;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Devices;

/// <summary>The agent's answer to <c>get-devices</c>: the LAN link's neighbours, the leases, and the counters per MAC.</summary>
public static class DeviceFrames
{
    /// <param name="lanInterface">Only this link's neighbours are devices (the WAN's gateway is a neighbour too); null: every link.</param>
    public static DevicesReply Reply(DeviceAccountant? accountant, Lan.DnsmasqSupervisor? dnsmasq, string? lanInterface) => new(
        [.. NeighbourTable.Read().Where(n => lanInterface is null || n.Interface == lanInterface)],
        dnsmasq?.Leases() ?? [],
        accountant?.Counters() ?? [],
        accountant?.Epoch ?? "none",
        accountant?.Resyncs ?? 0,
        DateTimeOffset.UtcNow);
}
