namespace Gateway.Web.Devices;

/// <summary>The <c>Devices</c> settings section.</summary>
public sealed class DeviceOptions
{
    /// <summary>How often the web asks the agent for the devices and their byte counters.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often totals and buckets are written to the database: at most this much is lost on a power cut (5 min at most).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    public string OuiPath { get; set; } = OuiRegistry.DefaultPath;
}
