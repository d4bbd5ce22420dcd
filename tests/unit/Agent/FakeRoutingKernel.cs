using Gateway.Agent.Routing;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// A routing kernel for <see cref="RoutingReconciler"/>'s decisions, without root: links, addresses, rules and
/// routes as lists. Like the real kernel, a route needs its link up and disappears when the link goes down.
/// </summary>
internal sealed class FakeRoutingKernel : IRoutingKernel
{
    public List<KernelLink> LinkList { get; } = [new(1, "lo", true), new(2, "br-lan", true), new(3, "wan0", true), new(4, "wan2", true)];

    public List<LinkAddress> AddressList { get; } = [];

    public List<RoutingRule> RuleList { get; } = [new(0, 255), new(32766, 254), new(32767, 253)];

    public List<RoutingRoute> RouteList { get; } = [];

    public List<string> Calls { get; } = [];

    public IReadOnlyList<KernelLink> Links() => [.. LinkList];

    /// <summary>
    /// Addresses with a prefix (the LAN's), kept apart from the /32s of <see cref="AddressList"/> so tests about 1:1
    /// see only those; the LAN link holds its address from the start, as a configured router does.
    /// </summary>
    public List<LinkAddress> LanAddressList { get; } = [new("br-lan", "192.168.1.1", 24)];

    public IReadOnlyList<LinkAddress> Addresses() => [.. AddressList, .. LanAddressList];

    public void AddIpv4Address(string link, string address, int prefixLength)
    {
        Calls.Add($"add address {address}/{prefixLength} {link}");
        if (LinkList.All(l => l.Name != link))
        {
            throw new RoutingException("no such link", 19);
        }

        LanAddressList.Add(new LinkAddress(link, address, prefixLength));
    }

    /// <summary>Links whose promote_secondaries the agent set.</summary>
    public HashSet<string> PromoteSecondaries { get; } = [];

    public void RemoveIpv4Address(string link, string address, int prefixLength)
    {
        Calls.Add($"remove address {address}/{prefixLength} {link}");
        PromoteSecondaries.Add(link);
        LanAddressList.RemoveAll(a => a.Link == link && a.Address == address && a.PrefixLength == prefixLength);
    }

    public void AddAddress(string link, string address)
    {
        Calls.Add($"add address {address} {link}");
        if (LinkList.All(l => l.Name != link))
        {
            throw new RoutingException("no such link", 19);
        }

        AddressList.Add(new LinkAddress(link, address, 32));
    }

    public void RemoveAddress(string link, string address)
    {
        Calls.Add($"remove address {address} {link}");
        AddressList.RemoveAll(a => a.Link == link && a.Address == address);
    }

    public List<LinkAddress> Ipv6AddressList { get; } = [];

    public IReadOnlyList<LinkAddress> Ipv6Addresses() => [.. Ipv6AddressList];

    public void AddIpv6Address(string link, string address, int prefixLength)
    {
        Calls.Add($"add address {address}/{prefixLength} {link}");
        if (LinkList.All(l => l.Name != link))
        {
            throw new RoutingException("no such link", 19);
        }

        Ipv6AddressList.Add(new LinkAddress(link, address, prefixLength));
    }

    public void RemoveIpv6Address(string link, string address, int prefixLength)
    {
        Calls.Add($"remove address {address}/{prefixLength} {link}");
        Ipv6AddressList.RemoveAll(a => a.Link == link && a.Address == address && a.PrefixLength == prefixLength);
    }

    public IReadOnlyList<RoutingRule> Rules() => [.. RuleList];

    public void AddRule(RoutingRule rule)
    {
        Calls.Add($"add rule {rule.Priority}");
        RuleList.Add(rule);
    }

    public void RemoveRule(RoutingRule rule)
    {
        Calls.Add($"remove rule {rule.Priority}");
        RuleList.Remove(rule);
    }

    public IReadOnlyList<RoutingRoute> Routes() => [.. RouteList];

    public void AddRoute(RoutingRoute route)
    {
        Calls.Add($"add route {route.Table}");
        if (LinkList.FirstOrDefault(l => l.Name == route.Device) is not { Up: true })
        {
            throw new RoutingException("link down", 100);
        }

        RouteList.Add(route);
    }

    public void RemoveRoute(RoutingRoute route)
    {
        Calls.Add($"remove route {route.Table}");
        RouteList.Remove(route);
    }

    public HashSet<string> StrictReversePath { get; } = [];

    /// <summary>Links the agent made loose (2), from strict (1).</summary>
    public HashSet<string> LooseReversePath { get; } = [];

    public bool LoosenReversePathFilter(string link) => StrictReversePath.Remove(link) && LooseReversePath.Add(link);

    public string? StrictReversePathFilter(string link) => StrictReversePath.Contains(link) ? "1" : null;

    public bool RestoreReversePathFilter(string link, string value) => LooseReversePath.Remove(link) && StrictReversePath.Add(link);

    /// <summary>Addresses other hosts hold, by "link address", with the reason the real kernel would give.</summary>
    public Dictionary<string, string> Claims { get; } = [];

    public string? ForeignClaim(string link, string address) => Claims.GetValueOrDefault($"{link} {address}");

    /// <summary>What the kernel does on <c>ip link set dev down</c>: the link's routes go.</summary>
    public void SetLink(string name, bool up)
    {
        var index = LinkList.FindIndex(l => l.Name == name);
        LinkList[index] = LinkList[index] with { Up = up };
        if (!up)
        {
            RouteList.RemoveAll(r => r.Device == name);
        }
    }
}
