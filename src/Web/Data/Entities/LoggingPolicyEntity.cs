using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the firewall logging policy.</summary>
public sealed class LoggingPolicyEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public FirewallLogLevel DroppedInput { get; set; }

    public FirewallLogLevel DroppedForward { get; set; }

    public FirewallLogLevel PortForwards { get; set; }

    public FirewallLogLevel MacFilter { get; set; }

    public int RatePerMinute { get; set; }

    public int Burst { get; set; }

    public FirewallLogLevel Dos { get; set; }

    public LoggingPolicy ToRecord() => new(DroppedInput, DroppedForward, PortForwards, MacFilter, RatePerMinute, Burst, Dos);

    public void CopyFrom(LoggingPolicy policy)
    {
        DroppedInput = policy.DroppedInput;
        DroppedForward = policy.DroppedForward;
        PortForwards = policy.PortForwards;
        MacFilter = policy.MacFilter;
        RatePerMinute = policy.RatePerMinute;
        Burst = policy.Burst;
        Dos = policy.Dos;
    }
}
