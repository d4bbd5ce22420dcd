using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.MacFilters;

/// <summary>What the panel knows about the admin's own device: found on the LAN, or why not.</summary>
public sealed record ThisDeviceCheck(ThisDevice? Device, string? Reason)
{
    public static ThisDeviceCheck NotOnLan { get; } = new(null, "This browser is not on the LAN; its MAC can't be checked.");

    public static ThisDeviceCheck AgentAway { get; } = new(null, "The agent is not connected, so this device's MAC can't be checked right now.");

    public static ThisDeviceCheck Found(ThisDevice device) => new(device, null);

    /// <summary>"listed", "listed but disabled", "not listed" — or the reason the device is unknown.</summary>
    public string Status => Device switch
    {
        null => Reason ?? "",
        { Enabled: true } => "listed",
        { Listed: true } => "listed but disabled",
        _ => "not listed",
    };

    /// <summary>The sentence the allow-list warning adds about this device.</summary>
    public string AllowListNote => Device switch
    {
        null => Reason ?? "",
        { Enabled: true } => $"This device ({Device.Mac}) is listed and enabled: it keeps its connection.",
        { Listed: true } => $"This device ({Device.Mac}) is listed but disabled: it will be cut off.",
        _ => $"This device ({Device.Mac}) is not listed: it will be cut off.",
    };
}
