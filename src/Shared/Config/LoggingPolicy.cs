namespace Gateway.Shared.Config;

/// <summary>
/// Per-category firewall logging. Each category is Off or a syslog level; all logging shares one
/// rate limit (<see cref="RatePerMinute"/> with <see cref="Burst"/>) so a flood cannot fill the log.
/// </summary>
public sealed record LoggingPolicy(
    FirewallLogLevel DroppedInput = FirewallLogLevel.Off,
    FirewallLogLevel DroppedForward = FirewallLogLevel.Off,
    FirewallLogLevel PortForwards = FirewallLogLevel.Off,
    FirewallLogLevel MacFilter = FirewallLogLevel.Off,
    int RatePerMinute = 60,
    int Burst = 10)
{
    public static LoggingPolicy Default { get; } = new();
}
