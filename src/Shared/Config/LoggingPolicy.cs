namespace Gateway.Shared.Config;

/// <summary>
/// Per-category firewall logging. Each category is Off or a syslog level; all logging shares one
/// rate limit (<see cref="RatePerMinute"/> with <see cref="Burst"/>) so a flood cannot fill the log.
/// Port forwards and traffic rules may override their level per item.
/// </summary>
public sealed record LoggingPolicy(
    FirewallLogLevel DroppedInput = FirewallLogLevel.Off,
    FirewallLogLevel DroppedForward = FirewallLogLevel.Off,
    FirewallLogLevel PortForwards = FirewallLogLevel.Off,
    FirewallLogLevel MacFilter = FirewallLogLevel.Off,
    int RatePerMinute = 60,
    int Burst = 10,
    FirewallLogLevel Dos = FirewallLogLevel.Off)
{
    public static LoggingPolicy Default { get; } = new();

    /// <summary>The policy's level for a category (Off for <see cref="FirewallCategory.Rule"/>: rules carry their own).</summary>
    public FirewallLogLevel LevelOf(FirewallCategory category) => category switch
    {
        FirewallCategory.DroppedInput => DroppedInput,
        FirewallCategory.DroppedForward => DroppedForward,
        FirewallCategory.PortForward => PortForwards,
        FirewallCategory.MacFilter => MacFilter,
        FirewallCategory.Dos => Dos,
        _ => FirewallLogLevel.Off,
    };
}
