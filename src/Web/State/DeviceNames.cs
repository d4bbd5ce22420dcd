using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// The names the panel shows beside a LAN address or MAC: a static lease's name first, else the host name a DHCP client
/// sent. Read once per page load; the agent being away only leaves the live names out.
/// </summary>
public sealed class DeviceNames(DesiredStateCache snapshots, AgentClient agent)
{
    public async Task<DeviceDirectory> LoadAsync(CancellationToken ct = default)
    {
        var leases = (await snapshots.SnapshotAsync(ct))?.Config.StaticLeases ?? [];
        IReadOnlyList<DhcpLease> live = [];
        IReadOnlyList<Neighbour> neighbours = [];
        if (agent.Connected)
        {
            try
            {
                live = await agent.GetLeasesAsync(ct);
                neighbours = await agent.GetNeighboursAsync(ct);
            }
            catch (AgentUnavailableException)
            {
                // Names from static leases still show.
            }
        }

        return DeviceDirectory.From(leases, live, neighbours);
    }
}

/// <summary>One known LAN device for a picker: its name (or null), MAC and IPv4 address.</summary>
public sealed record NamedDevice(string? Name, string Mac, string Address);

/// <summary>Name lookups by MAC and by IPv4 address, and the devices a picker offers.</summary>
public sealed class DeviceDirectory
{
    private readonly Dictionary<string, string> _byMac = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _byAddress = new(StringComparer.Ordinal);

    public static DeviceDirectory Empty { get; } = new([]);

    private DeviceDirectory(IReadOnlyList<NamedDevice> devices) => Devices = devices;

    /// <summary>Named devices first, then the rest, each by address.</summary>
    public IReadOnlyList<NamedDevice> Devices { get; }

    public static DeviceDirectory From(IReadOnlyList<StaticLease> leases, IReadOnlyList<DhcpLease> live, IReadOnlyList<Neighbour> neighbours)
    {
        var devices = new Dictionary<string, NamedDevice>(StringComparer.OrdinalIgnoreCase);

        // Later sources never override an earlier name: a static lease's name is the owner's choice.
        foreach (var lease in live)
        {
            devices[lease.Mac] = new NamedDevice(lease.Hostname, lease.Mac, lease.Address);
        }

        foreach (var neighbour in neighbours)
        {
            devices.TryAdd(neighbour.Mac, new NamedDevice(null, neighbour.Mac, neighbour.Address));
        }

        foreach (var lease in leases.Where(l => l.Enabled))
        {
            devices[lease.Mac] = new NamedDevice(lease.Name, lease.Mac, devices.TryGetValue(lease.Mac, out var seen) ? seen.Address : lease.Address);
        }

        var list = devices.Values
            .OrderBy(d => d.Name is null)
            .ThenBy(d => Ipv4.TryParse(d.Address, out var a) ? a : uint.MaxValue)
            .ToList();
        var directory = new DeviceDirectory(list);
        foreach (var lease in leases.Where(l => l.Enabled))
        {
            directory._byAddress[lease.Address] = lease.Name;
        }

        foreach (var device in list.Where(d => d.Name is not null))
        {
            directory._byMac[device.Mac] = device.Name!;
            directory._byAddress.TryAdd(device.Address, device.Name!);
        }

        return directory;
    }

    public string? ForMac(string? mac) =>
        mac is not null && MacAddress.TryNormalize(mac, out var normalized) && _byMac.TryGetValue(normalized, out var name) ? name : null;

    /// <summary>The name of the device at an IPv4 address ("192.168.1.20" or "192.168.1.20/32").</summary>
    public string? ForAddress(string? address)
    {
        if (address is null)
        {
            return null;
        }

        var bare = address.EndsWith("/32", StringComparison.Ordinal) ? address[..^3] : address;
        return _byAddress.TryGetValue(bare, out var name) ? name : null;
    }
}
