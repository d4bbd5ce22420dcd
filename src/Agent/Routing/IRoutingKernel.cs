namespace Gateway.Agent.Routing;

/// <summary>
/// What <see cref="RoutingReconciler"/> asks of the kernel's routing system (IPv4, plus the LAN's static IPv6 address), so its decisions — add what
/// is missing, remove only what the agent owns or added — are tested without root; <see cref="RoutingKernel"/>
/// is the real one over rtnetlink, proved in throwaway namespaces. Failures throw <see cref="RoutingException"/>.
/// </summary>
public interface IRoutingKernel
{
    IReadOnlyList<KernelLink> Links();

    /// <summary>Every IPv4 address of every link.</summary>
    IReadOnlyList<LinkAddress> Addresses();

    /// <summary>Adds <c>address/32</c> to <paramref name="link"/>; already there is not an error.</summary>
    void AddAddress(string link, string address);

    /// <summary>Removes <c>address/32</c> from <paramref name="link"/>; already gone is not an error.</summary>
    void RemoveAddress(string link, string address);

    /// <summary>Adds an IPv4 <c>address/prefixLength</c> (the LAN address) to <paramref name="link"/>; already there is not an error.</summary>
    void AddIpv4Address(string link, string address, int prefixLength);

    /// <summary>
    /// Removes an IPv4 <c>address/prefixLength</c> from <paramref name="link"/>, first setting the link's
    /// <c>promote_secondaries</c> so that deleting a primary address keeps the other addresses of its subnet (the
    /// kernel would otherwise delete every secondary with it); already gone is not an error.
    /// </summary>
    void RemoveIpv4Address(string link, string address, int prefixLength);

    /// <summary>Every IPv6 address of every link (link-local ones included).</summary>
    IReadOnlyList<LinkAddress> Ipv6Addresses();

    /// <summary>Adds an IPv6 <c>address/prefixLength</c> to <paramref name="link"/> (no DAD); already there is not an error.</summary>
    void AddIpv6Address(string link, string address, int prefixLength);

    /// <summary>Removes an IPv6 <c>address/prefixLength</c> from <paramref name="link"/>; already gone is not an error.</summary>
    void RemoveIpv6Address(string link, string address, int prefixLength);

    /// <summary>Every IPv4 <c>ip rule</c>.</summary>
    IReadOnlyList<RoutingRule> Rules();

    void AddRule(RoutingRule rule);

    void RemoveRule(RoutingRule rule);

    /// <summary>The IPv4 routes of tables 30000–30999.</summary>
    IReadOnlyList<RoutingRoute> Routes();

    void AddRoute(RoutingRoute route);

    void RemoveRoute(RoutingRoute route);

    /// <summary>
    /// Makes the reverse-path filter of <paramref name="link"/> loose (<c>rp_filter</c> 2) when the effective mode
    /// (the higher of <c>all</c> and the link's) is strict; true when it changed something.
    /// </summary>
    bool LoosenReversePathFilter(string link);

    /// <summary>
    /// The link's own <c>rp_filter</c> value while the effective mode is strict (what <see cref="LoosenReversePathFilter"/>
    /// would change, read before it does), otherwise null.
    /// </summary>
    string? StrictReversePathFilter(string link);

    /// <summary>
    /// Puts <paramref name="value"/> back as the link's <c>rp_filter</c> if the link exists and the value is still
    /// the 2 the agent wrote (someone else's later change stays); true when it wrote.
    /// </summary>
    bool RestoreReversePathFilter(string link, string value);

    /// <summary>
    /// Why <paramref name="address"/> belongs to another host on <paramref name="link"/> (its default gateway, or a
    /// resolved neighbour entry with a MAC that is not the router's), or null (<see cref="Links.ForeignAddresses"/>).
    /// </summary>
    string? ForeignClaim(string link, string address);
}
