using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Devices;

/// <summary>
/// One device as the API and the panel show it: the recorder's state, its name (a static lease's, else the DHCP
/// host name), vendor, whether the MAC filter drops it, and the static lease and filter entry that name it.
/// </summary>
public sealed record DeviceRow(DeviceState State, string? Name, string? Vendor, bool Blocked, StaticLease? StaticLease, MacFilter? FilterEntry)
{
    public string Mac => State.Mac;
}

/// <summary>Builds <see cref="DeviceRow"/>s from the recorder and the desired state.</summary>
public sealed class DeviceList(DeviceRecorder recorder, DesiredStateCache snapshots, OuiRegistry vendors)
{
    /// <summary>The agent's resync count from the recorder's last answer.</summary>
    public long? Resyncs => recorder.Resyncs;

    public async Task<IReadOnlyList<DeviceRow>> LoadAsync(CancellationToken ct = default)
    {
        var devices = await recorder.DevicesAsync(ct);
        var config = (await snapshots.SnapshotAsync(ct))?.Config;
        return [.. devices.Select(d => Row(d, config))];
    }

    public DeviceRow Row(DeviceState device, GatewayConfig? config)
    {
        ArgumentNullException.ThrowIfNull(device);
        var lease = config?.StaticLeases.FirstOrDefault(l => string.Equals(l.Mac, device.Mac, StringComparison.OrdinalIgnoreCase));
        var entry = config?.MacFilters.FirstOrDefault(f => string.Equals(f.Mac, device.Mac, StringComparison.OrdinalIgnoreCase));
        return new DeviceRow(device, lease?.Name ?? device.HostName, vendors.Vendor(device.Mac), Blocked(config, entry), lease, entry);
    }

    /// <summary>Whether the MAC filter drops this device's frames: listed in deny mode, or not listed in allow mode.</summary>
    public static bool Blocked(GatewayConfig? config, MacFilter? entry) => config?.MacPolicy.Mode switch
    {
        MacFilterMode.DenyListed => entry is { Enabled: true },
        MacFilterMode.AllowListed => entry is not { Enabled: true },
        _ => false,
    };
}
