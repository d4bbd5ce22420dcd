namespace Gateway.Shared.Config;

/// <summary>The lists of <see cref="GatewayConfig"/> a delta may change, by JSON key (a unit test holds this to every list property).</summary>
public static class ConfigLists
{
    public static IReadOnlyList<ConfigList> All { get; } =
    [
        new ConfigList<PortForward>("portForwards", c => c.PortForwards, (c, l) => c with { PortForwards = l }, i => i.Id),
        new ConfigList<MacFilter>("macFilters", c => c.MacFilters, (c, l) => c with { MacFilters = l }, i => i.Id),
        new ConfigList<TrafficRule>("rules", c => c.Rules, (c, l) => c with { Rules = l }, i => i.Id),
        new ConfigList<OneToOneNat>("oneToOne", c => c.OneToOne, (c, l) => c with { OneToOne = l }, i => i.Id),
        new ConfigList<Redirect>("redirects", c => c.Redirects, (c, l) => c with { Redirects = l }, i => i.Id),
        new ConfigList<PolicyRoute>("policyRoutes", c => c.PolicyRoutes, (c, l) => c with { PolicyRoutes = l }, i => i.Id),
        new ConfigList<Pinhole>("pinholes", c => c.Pinholes, (c, l) => c with { Pinholes = l }, i => i.Id),
        new ConfigList<StaticLease>("staticLeases", c => c.StaticLeases, (c, l) => c with { StaticLeases = l }, i => i.Id),
        new ConfigList<Mirror>("mirrors", c => c.Mirrors, (c, l) => c with { Mirrors = l }, i => i.Id),
    ];

    /// <summary>The list of that key (ordinal, as JSON keys are), or null.</summary>
    public static ConfigList? Find(string? key) => All.FirstOrDefault(l => string.Equals(l.Key, key, StringComparison.Ordinal));
}
