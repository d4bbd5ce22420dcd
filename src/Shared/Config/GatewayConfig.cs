namespace Gateway.Shared.Config;

/// <summary>
/// The whole desired state of the router: what the web stores and the agent compiles into
/// <c>table inet gateway</c>. Immutable; each change makes a new snapshot with a new revision.
/// </summary>
/// <remarks>
/// Resources added after the first round are init properties with safe defaults, so a first-round backup
/// (no <c>rules</c>, no <c>protection</c>) still restores: no rules, and the default (closed) protection.
/// </remarks>
public sealed record GatewayConfig(
    NetworkSettings Network,
    IReadOnlyList<PortForward> PortForwards,
    IReadOnlyList<MacFilter> MacFilters,
    MacPolicy MacPolicy,
    LoggingPolicy Logging)
{
    /// <summary>Traffic rules in the order they run.</summary>
    public IReadOnlyList<TrafficRule> Rules { get; init; } = [];

    public Protection Protection { get; init; } = Protection.Default;
}
