using Gateway.Shared.Config;

namespace Gateway.Web.Components.Pages.Logging;

public sealed class LoggingFormModel
{
    public FirewallLogLevel DroppedInput { get; set; }

    public FirewallLogLevel DroppedForward { get; set; }

    public FirewallLogLevel PortForwards { get; set; }

    public FirewallLogLevel MacFilter { get; set; }

    /// <summary>Packets the protection limits dropped (SYN flood, echo limit, invalid, spoofed).</summary>
    public FirewallLogLevel Dos { get; set; }

    public int RatePerMinute { get; set; }

    public int Burst { get; set; }

    public static LoggingFormModel From(LoggingPolicy policy) => new()
    {
        DroppedInput = policy.DroppedInput,
        DroppedForward = policy.DroppedForward,
        PortForwards = policy.PortForwards,
        MacFilter = policy.MacFilter,
        Dos = policy.Dos,
        RatePerMinute = policy.RatePerMinute,
        Burst = policy.Burst,
    };

    public LoggingPolicy ToPolicy() => new(DroppedInput, DroppedForward, PortForwards, MacFilter, RatePerMinute, Burst, Dos);
}
