using System.Globalization;

namespace Gateway.Agent.Routing;

/// <summary>
/// A network link of the agent's namespace: its index, name and administrative state (IFF_UP); <see cref="Master"/>
/// is the index of the link it is enslaved to (a bridge port's bridge), 0 when none.
/// </summary>
public sealed record KernelLink(int Index, string Name, bool Up, int Master = 0);

/// <summary>A neighbour of a link: its IP address, MAC ("aa:bb:…", null when the entry has none) and whether it is resolved.</summary>
public sealed record KernelNeighbour(string Link, string Address, string? Mac, bool Usable);

/// <summary>An address on a link, "a.b.c.d" or an IPv6 address, with its prefix length.</summary>
public sealed record LinkAddress(string Link, string Address, int PrefixLength);

/// <summary>
/// An IPv4 policy routing rule (<c>ip rule</c>). <see cref="Extra"/> describes selectors or an action this agent
/// never writes (so such a rule never equals one it wants); <see cref="Action"/> is FR_ACT_* (1 = lookup).
/// </summary>
public sealed record RoutingRule(int Priority, int Table, uint? FwMark = null, int? SuppressPrefixLength = null, string? Extra = null, int Action = 1)
{
    /// <summary>Owned by the agent: its priority or its table lies in the agent's range.</summary>
    public bool IsOwned => PolicyRange.Contains(Priority) || PolicyRange.Contains(Table);

    /// <summary>The line <c>ip rule</c> would print.</summary>
    public override string ToString()
    {
        var text = $"{Priority}:\tfrom all";
        if (FwMark is { } mark)
        {
            text += $" fwmark 0x{mark.ToString("x", CultureInfo.InvariantCulture)}";
        }

        if (Extra is not null)
        {
            text += $" {Extra}";
        }

        if (Action == Rtnl.ActionToTable)
        {
            text += $" lookup {RoutingNames.Table(Table)}";
        }

        if (SuppressPrefixLength is { } length)
        {
            text += $" suppress_prefixlength {length}";
        }

        return text;
    }
}

/// <summary>An IPv4 route in one table: destination "default" or "a.b.c.d/n", optional gateway, optional device.</summary>
public sealed record RoutingRoute(int Table, string Destination, string? Gateway, string? Device)
{
    /// <summary>The line <c>ip route show table all</c> would print.</summary>
    public override string ToString()
    {
        var text = Destination;
        if (Gateway is not null)
        {
            text += $" via {Gateway}";
        }

        if (Device is not null)
        {
            text += $" dev {Device}";
        }

        return $"{text} table {RoutingNames.Table(Table)}";
    }
}

/// <summary>The rule priorities and tables the agent owns (<see cref="Gateway.Shared.Protocol.PolicyRouting"/>).</summary>
public static class PolicyRange
{
    public static bool Contains(int number) =>
        number is >= Gateway.Shared.Protocol.PolicyRouting.First and <= Gateway.Shared.Protocol.PolicyRouting.Last;
}

internal static class RoutingNames
{
    public static string Table(int table) => table switch
    {
        Rtnl.TableMain => "main",
        Rtnl.TableLocal => "local",
        Rtnl.TableDefault => "default",
        _ => table.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The kernel refused a routing request; <see cref="Errno"/> is the positive errno (0 if none).</summary>
public sealed class RoutingException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}
