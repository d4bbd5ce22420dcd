using System.Globalization;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Kernel;

namespace Gateway.Agent.Routing;

/// <summary>
/// The real routing kernel: one NETLINK_ROUTE socket per call, opened in the calling thread's network namespace
/// (the same Tmds.LibC socket code as ctnetlink). No <c>ip</c> command is run.
/// </summary>
public sealed class RoutingKernel : IRoutingKernel
{
    private const ushort Dump = 0x1 | 0x300;
    private const ushort Change = 0x1 | 0x4;

    public IReadOnlyList<KernelLink> Links()
    {
        var links = new List<KernelLink>();
        DumpAll(Rtnl.GetLink, new byte[Rtnl.IfInfoSize], Rtnl.NewLink, body =>
        {
            if (RouteMessages.ParseLink(body) is { } link)
            {
                links.Add(link);
            }
        });
        return links;
    }

    public IReadOnlyList<LinkAddress> Addresses()
    {
        var names = Links().ToDictionary(l => l.Index, l => l.Name);
        var addresses = new List<LinkAddress>();
        DumpAll(Rtnl.GetAddress, FamilyHeader(Rtnl.IfAddrSize), Rtnl.NewAddress, body =>
        {
            if (RouteMessages.ParseAddress(body) is { } a && names.TryGetValue(a.LinkIndex, out var name))
            {
                addresses.Add(new LinkAddress(name, a.Address, a.PrefixLength));
            }
        });
        return addresses;
    }

    /// <summary>Every IPv6 address of every link (link-local ones included).</summary>
    public IReadOnlyList<LinkAddress> Ipv6Addresses()
    {
        var names = Links().ToDictionary(l => l.Index, l => l.Name);
        var addresses = new List<LinkAddress>();
        DumpAll(Rtnl.GetAddress, FamilyHeader(Rtnl.IfAddrSize, Rtnl.AfInet6), Rtnl.NewAddress, body =>
        {
            if (RouteMessages.ParseIpv6Address(body) is { } a && names.TryGetValue(a.LinkIndex, out var name))
            {
                addresses.Add(new LinkAddress(name, a.Address, a.PrefixLength));
            }
        });
        return addresses;
    }

    public void AddIpv6Address(string link, string address, int prefixLength) =>
        Tolerate(() => Send(Rtnl.NewAddress, Change | Rtnl.FlagCreate | Rtnl.FlagExclusive, RouteMessages.AddressBody(IndexOf(link), address, prefixLength)), Rtnl.EExist);

    public void RemoveIpv6Address(string link, string address, int prefixLength)
    {
        if (Links().FirstOrDefault(l => l.Name == link) is not { } found)
        {
            return;
        }

        Tolerate(() => Send(Rtnl.DeleteAddress, Change, RouteMessages.AddressBody(found.Index, address, prefixLength)), Rtnl.EAddrNotAvail, Rtnl.ENoEnt);
    }

    /// <summary>The IPv6 neighbour table, every entry (the caller filters by <see cref="KernelNeighbour.Usable"/>).</summary>
    public IReadOnlyList<KernelNeighbour> Ipv6Neighbours()
    {
        var names = Links().ToDictionary(l => l.Index, l => l.Name);
        var neighbours = new List<KernelNeighbour>();
        DumpAll(Rtnl.GetNeighbour, FamilyHeader(Rtnl.NdMsgSize, Rtnl.AfInet6), Rtnl.NewNeighbour, body =>
        {
            if (NeighbourMessages.Parse(body) is { } n && names.TryGetValue(n.LinkIndex, out var name))
            {
                neighbours.Add(new KernelNeighbour(name, n.Address, n.Mac, n.Usable));
            }
        });
        return neighbours;
    }

    public void AddIpv4Address(string link, string address, int prefixLength) =>
        Tolerate(() => Send(Rtnl.NewAddress, Change | Rtnl.FlagCreate | Rtnl.FlagExclusive, RouteMessages.AddressBody(IndexOf(link), address, prefixLength)), Rtnl.EExist);

    public void RemoveIpv4Address(string link, string address, int prefixLength)
    {
        if (Links().FirstOrDefault(l => l.Name == link) is not { } found)
        {
            return;
        }

        try
        {
            if (Sysctl.Read(PromoteSecondariesSysctl(link)) != "1")
            {
                Sysctl.Write(PromoteSecondariesSysctl(link), "1");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RoutingException($"setting promote_secondaries on {link}: {ex.Message}", 0);
        }

        Tolerate(() => Send(Rtnl.DeleteAddress, Change, RouteMessages.AddressBody(found.Index, address, prefixLength)), Rtnl.EAddrNotAvail, Rtnl.ENoEnt);
    }

    private static string PromoteSecondariesSysctl(string link) =>
        link.Length == 0 || link.Contains('/', StringComparison.Ordinal) || link is "." or ".."
            ? throw new RoutingException($"not a link name: {link}", 0)
            : $"net/ipv4/conf/{link}/promote_secondaries";

    public void AddAddress(string link, string address) =>
        Tolerate(() => Send(Rtnl.NewAddress, Change | Rtnl.FlagCreate | Rtnl.FlagExclusive, RouteMessages.AddressBody(IndexOf(link), address)), Rtnl.EExist);

    public void RemoveAddress(string link, string address)
    {
        if (Links().FirstOrDefault(l => l.Name == link) is not { } found)
        {
            return;
        }

        Tolerate(() => Send(Rtnl.DeleteAddress, Change, RouteMessages.AddressBody(found.Index, address)), Rtnl.EAddrNotAvail, Rtnl.ENoEnt);
    }

    public IReadOnlyList<RoutingRule> Rules()
    {
        var rules = new List<RoutingRule>();
        DumpAll(Rtnl.GetRule, FamilyHeader(Rtnl.RuleHeaderSize), Rtnl.NewRule, body =>
        {
            if (RouteMessages.ParseRule(body) is { } rule)
            {
                rules.Add(rule);
            }
        });
        return rules;
    }

    public void AddRule(RoutingRule rule) =>
        Tolerate(() => Send(Rtnl.NewRule, Change | Rtnl.FlagCreate | Rtnl.FlagExclusive, RouteMessages.RuleBody(rule)), Rtnl.EExist);

    /// <summary>
    /// Deletes exactly the dumped rule equal to <paramref name="rule"/> by sending its own body back: the kernel
    /// matches a delete on the selectors it is given only, so a rebuilt body could hit a sibling at the same
    /// priority (e.g. one with an extra <c>iif</c>).
    /// </summary>
    public void RemoveRule(RoutingRule rule)
    {
        byte[]? match = null;
        DumpAll(Rtnl.GetRule, FamilyHeader(Rtnl.RuleHeaderSize), Rtnl.NewRule, body =>
        {
            if (match is null && Equals(RouteMessages.ParseRule(body), rule))
            {
                match = body;
            }
        });

        if (match is not null)
        {
            Tolerate(() => Send(Rtnl.DeleteRule, Change, match), Rtnl.ENoEnt);
        }
    }

    public IReadOnlyList<RoutingRoute> Routes()
    {
        var names = Links().ToDictionary(l => l.Index, l => l.Name);
        var routes = new List<RoutingRoute>();
        DumpAll(Rtnl.GetRoute, FamilyHeader(Rtnl.RtMsgSize), Rtnl.NewRoute, body =>
        {
            if (RouteMessages.ParseRoute(body) is { } r && PolicyRange.Contains(r.Table))
            {
                routes.Add(new RoutingRoute(r.Table, r.Destination, r.Gateway, names.GetValueOrDefault(r.OutIndex)));
            }
        });
        return routes;
    }

    public void AddRoute(RoutingRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var index = route.Device is null ? 0 : IndexOf(route.Device);
        Tolerate(() => Send(Rtnl.NewRoute, Change | Rtnl.FlagCreate | Rtnl.FlagExclusive, RouteMessages.RouteBody(route, index, delete: false)), Rtnl.EExist);
    }

    public void RemoveRoute(RoutingRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var index = route.Device is null ? 0 : Links().FirstOrDefault(l => l.Name == route.Device)?.Index ?? 0;
        Tolerate(() => Send(Rtnl.DeleteRoute, Change, RouteMessages.RouteBody(route, index, delete: true)), Rtnl.ESrch, Rtnl.ENoEnt);
    }

    public bool LoosenReversePathFilter(string link)
    {
        if (StrictReversePathFilter(link) is null)
        {
            return false;
        }

        ReversePathFilter(link, () => Sysctl.Write(ReversePathSysctl(link), "2"));
        return true;
    }

    public string? StrictReversePathFilter(string link) =>
        ReversePathFilter(link, () =>
        {
            // The kernel applies max(conf.all, conf.<link>): 2 on the link is loose whatever "all" says.
            var own = Sysctl.Read(ReversePathSysctl(link));
            return Math.Max(Mode(Sysctl.Read("net/ipv4/conf/all/rp_filter")), Mode(own)) == 1 ? own.Trim() : null;
        });

    public bool RestoreReversePathFilter(string link, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ReversePathFilter(link, () =>
        {
            var name = ReversePathSysctl(link);
            try
            {
                if (Mode(Sysctl.Read(name)) != 2)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // The link is gone, and its setting with it.
                return false;
            }

            Sysctl.Write(name, value);
            return true;
        });
    }

    public string? ForeignClaim(string link, string address) => Gateway.Agent.Links.ForeignAddresses.Read().Claim(link, address);

    private static string ReversePathSysctl(string link) =>
        Gateway.Shared.Validation.FieldRules.IsInterfaceName(link)
            ? $"net/ipv4/conf/{link}/rp_filter"
            : throw new RoutingException($"rp_filter of {link}: not a link name", 0);

    private static int Mode(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static T ReversePathFilter<T>(string link, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(link);
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RoutingException($"rp_filter of {link}: {ex.Message}", 0);
        }
    }

    private static void ReversePathFilter(string link, Action action) => ReversePathFilter(link, () =>
    {
        action();
        return true;
    });

    private int IndexOf(string link) =>
        Links().FirstOrDefault(l => l.Name == link)?.Index ?? throw new RoutingException($"link {link} does not exist", Rtnl.ENoDev);

    private static byte[] FamilyHeader(int size, byte family = Rtnl.AfInet)
    {
        var header = new byte[size];
        header[0] = family;
        return header;
    }

    private static void DumpAll(ushort request, byte[] header, ushort replyType, Action<byte[]> each)
    {
        var bodies = new List<byte[]>();
        Request(request, Dump, header, (type, body) =>
        {
            if (type == replyType)
            {
                bodies.Add(body.ToArray());
            }
        });
        foreach (var body in bodies)
        {
            each(body);
        }
    }

    private static void Send(ushort type, ushort flags, byte[] body) => Request(type, flags, body, (_, _) => { });

    private static void Request(ushort type, ushort flags, byte[] body, RouteMessages.MessageHandler handler)
    {
        try
        {
            using var socket = new NetlinkSocket(Rtnl.NetlinkRoute);
            socket.RequestRaw(type, flags, body, (batch, sequence) => RouteMessages.Walk(batch, sequence, handler));
        }
        catch (NetlinkException ex)
        {
            // Socket-level failures come from the shared netlink socket code.
            throw new RoutingException(ex.Message, ex.Errno);
        }
    }

    private static void Tolerate(Action action, params int[] harmless)
    {
        try
        {
            action();
        }
        catch (RoutingException ex) when (harmless.Contains(ex.Errno))
        {
        }
    }
}
