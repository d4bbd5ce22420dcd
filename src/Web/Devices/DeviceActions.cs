using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Devices;

/// <summary>
/// What the Devices page does to a device, through the resources that own it: a name is a static lease's (rename
/// and reserve create or update one), blocking is the MAC filter's (an entry in deny mode, or its absence in
/// allow mode). Each answers null when done, else what stopped it.
/// </summary>
public sealed class DeviceActions(StaticLeaseService leases, MacFilterService filters)
{
    /// <summary>Names the device: its static lease gets the name, or a new one reserves <paramref name="address"/> under it.</summary>
    public async Task<string?> RenameAsync(DeviceRow device, string name, string? address, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.StaticLease is { } lease)
        {
            return Message(await leases.UpdateAsync(lease.Id, new StaticLeaseInput(name, lease.Mac, lease.Address, lease.Enabled), ct));
        }

        return address is null
            ? "The device holds no IPv4 address to reserve under that name."
            : Message(await leases.CreateAsync(new StaticLeaseInput(name, device.Mac, address, true), ct));
    }

    /// <summary>Makes the MAC filter drop the device: listed in deny mode (switching an unused filter to deny), unlisted in allow mode.</summary>
    public async Task<string?> BlockAsync(DeviceRow device, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var policy = await filters.GetPolicyAsync(ct);
        var entry = device.FilterEntry;
        if (policy.Mode == MacFilterMode.AllowListed)
        {
            return entry is { Enabled: true } ? Message(await filters.DeleteAsync(entry.Id, ct)) : null;
        }

        if (policy.Mode == MacFilterMode.Off && (await filters.ListAsync(ct)).Any(f => f.Enabled && f.Mac != device.Mac))
        {
            return "The MAC filter is off with other devices listed: turning it on would block them too. Choose its mode on the MAC filters page.";
        }

        var error = entry is null
            ? Message(await filters.CreateAsync(new MacFilterInput(device.Mac, device.Name ?? device.Mac, true), ct))
            : Message(await filters.UpdateAsync(entry.Id, new MacFilterInput(entry.Mac, entry.Name, true), ct));
        return error ?? (policy.Mode == MacFilterMode.Off ? Message(await filters.SetPolicyAsync(new MacPolicy(MacFilterMode.DenyListed), ct)) : null);
    }

    /// <summary>Lets the device through again: its deny entry goes, or in allow mode it is listed.</summary>
    public async Task<string?> UnblockAsync(DeviceRow device, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var policy = await filters.GetPolicyAsync(ct);
        var entry = device.FilterEntry;
        if (policy.Mode == MacFilterMode.AllowListed)
        {
            return entry is null
                ? Message(await filters.CreateAsync(new MacFilterInput(device.Mac, device.Name ?? device.Mac, true), ct))
                : Message(await filters.UpdateAsync(entry.Id, new MacFilterInput(entry.Mac, entry.Name, true), ct));
        }

        return entry is null ? null : Message(await filters.DeleteAsync(entry.Id, ct));
    }

    private static string? Message<T>(Outcome<T> outcome) =>
        outcome.Succeeded ? null : outcome.Message ?? string.Join(" ", outcome.Errors?.SelectMany(e => e.Value) ?? ["The change was refused."]);
}
