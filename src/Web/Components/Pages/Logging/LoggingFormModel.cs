using Gateway.Shared.Config;

namespace Gateway.Web.Components.Pages.Logging;

public sealed class LoggingFormModel
{
    public FirewallLogLevel DroppedInput { get; set; }

    public FirewallLogLevel DroppedForward { get; set; }

    public FirewallLogLevel PortForwards { get; set; }

    public FirewallLogLevel MacFilter { get; set; }

    public int RatePerMinute { get; set; }

    public int Burst { get; set; }

    public static LoggingFormModel From(LoggingPolicy policy) => new()
    {
        DroppedInput = policy.DroppedInput,
        DroppedForward = policy.DroppedForward,
        PortForwards = policy.PortForwards,
        MacFilter = policy.MacFilter,
        RatePerMinute = policy.RatePerMinute,
        Burst = policy.Burst,
    };

    public LoggingPolicy ToPolicy() => new(DroppedInput, DroppedForward, PortForwards, MacFilter, RatePerMinute, Burst);
}
