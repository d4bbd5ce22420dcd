namespace Gateway.Shared.Config;

/// <summary>
/// The whole desired state of the router: what the web stores and the agent compiles into
/// <c>table inet gateway</c>. Immutable; each change makes a new snapshot with a new revision.
/// </summary>
public sealed record GatewayConfig(
    NetworkSettings Network,
    IReadOnlyList<PortForward> PortForwards,
    IReadOnlyList<MacFilter> MacFilters,
    MacPolicy MacPolicy,
    LoggingPolicy Logging);
