namespace Gateway.Shared.Config;

/// <summary>
/// The whole desired state of the router: what the web stores and the agent compiles into
/// <c>table inet gateway</c>. Immutable; each change makes a new snapshot with a new revision.
/// </summary>
/// <remarks>
/// Resources added after the first round are optional parameters with safe defaults, so a first-round
/// snapshot (no <c>rules</c>, <c>protection</c>, <c>oneToOne</c> …) still applies: none of them, and the default (closed) protection.
/// They are constructor parameters, not init properties with initialisers, because the source-generated JSON
/// reader sets a missing init property to null.
/// </remarks>
public sealed record GatewayConfig(
    NetworkSettings Network,
    IReadOnlyList<PortForward> PortForwards,
    IReadOnlyList<MacFilter> MacFilters,
    MacPolicy MacPolicy,
    LoggingPolicy Logging,
    IReadOnlyList<TrafficRule>? Rules = null,
    Protection? Protection = null,
    IReadOnlyList<OneToOneNat>? OneToOne = null,
    IReadOnlyList<Redirect>? Redirects = null,
    IReadOnlyList<PolicyRoute>? PolicyRoutes = null,
    HelperSettings? Helpers = null,
    IReadOnlyList<Pinhole>? Pinholes = null,
    DhcpSettings? Dhcp = null,
    IReadOnlyList<StaticLease>? StaticLeases = null,
    DnsSettings? Dns = null,
    UpnpSettings? Upnp = null,
    WanSettings? Wan = null,
    IReadOnlyList<Mirror>? Mirrors = null)
{
    /// <summary>Traffic rules in the order they run.</summary>
    public IReadOnlyList<TrafficRule> Rules { get; init; } = Rules ?? [];

    public Protection Protection { get; init; } = Protection ?? Protection.Default;

    public IReadOnlyList<OneToOneNat> OneToOne { get; init; } = OneToOne ?? [];

    public IReadOnlyList<Redirect> Redirects { get; init; } = Redirects ?? [];

    public IReadOnlyList<PolicyRoute> PolicyRoutes { get; init; } = PolicyRoutes ?? [];

    public HelperSettings Helpers { get; init; } = Helpers ?? HelperSettings.Default;

    /// <summary>IPv6 pinholes (inbound to LAN hosts, no NAT); they apply only while <c>network.lanIpv6</c> is set.</summary>
    public IReadOnlyList<Pinhole> Pinholes { get; init; } = Pinholes ?? [];

    /// <summary>DHCP on the LAN; off in a snapshot without it (see <see cref="DhcpSettings"/>).</summary>
    public DhcpSettings Dhcp { get; init; } = Dhcp ?? DhcpSettings.Off;

    public IReadOnlyList<StaticLease> StaticLeases { get; init; } = StaticLeases ?? [];

    /// <summary>The LAN resolver; off in a snapshot without it.</summary>
    public DnsSettings Dns { get; init; } = Dns ?? DnsSettings.Off;

    /// <summary>UPnP IGD / NAT-PMP / PCP; off in a snapshot without it.</summary>
    public UpnpSettings Upnp { get; init; } = Upnp ?? UpnpSettings.Default;

    /// <summary>The uplink; unmanaged (the host brings it up) in a snapshot without it.</summary>
    public WanSettings Wan { get; init; } = Wan ?? WanSettings.Unmanaged;

    /// <summary>Traffic mirrors; none in a snapshot without them.</summary>
    public IReadOnlyList<Mirror> Mirrors { get; init; } = Mirrors ?? [];
}
