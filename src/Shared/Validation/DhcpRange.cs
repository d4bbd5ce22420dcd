namespace Gateway.Shared.Validation;

/// <summary>DHCP range arithmetic inside an IPv4 LAN: the default range and moving a range to a new subnet.</summary>
public static class DhcpRange
{
    /// <summary>.100–.249 of a /24; otherwise the upper half of the host range (a /30's one free host, a /16's top half).</summary>
    public static (string Start, string End)? Default(Ipv4Cidr lan)
    {
        if (lan.PrefixLength > 30)
        {
            return null;
        }

        uint first = lan.Network + 1, last = lan.Broadcast - 1;
        uint start, end;
        if (lan.PrefixLength == 24)
        {
            (start, end) = (lan.Network + 100, lan.Network + 249);
        }
        else
        {
            (start, end) = (first + ((last - first + 1) / 2), last);
        }

        return Avoiding(start, end, lan.Address);
    }

    /// <summary>The range's host numbers (offsets from the network) in <paramref name="to"/>, clipped to its hosts.</summary>
    public static (string Start, string End)? Move(string? startText, string? endText, Ipv4Cidr from, Ipv4Cidr to)
    {
        if (!Ipv4.TryParse(startText, out var start) || !Ipv4.TryParse(endText, out var end)
            || !from.Contains(start) || !from.Contains(end) || to.PrefixLength > 30)
        {
            return null;
        }

        ulong first = to.Network + 1u, last = to.Broadcast - 1u;
        var newStart = (uint)Math.Clamp(to.Network + (ulong)(start - from.Network), first, last);
        var newEnd = (uint)Math.Clamp(to.Network + (ulong)(end - from.Network), first, last);
        return newStart > newEnd ? null : Avoiding(newStart, newEnd, to.Address);
    }

    /// <summary>A range that does not hold the router's own address: the larger side of it when it did.</summary>
    private static (string, string)? Avoiding(uint start, uint end, uint router)
    {
        if (router < start || router > end)
        {
            return (Ipv4.Format(start), Ipv4.Format(end));
        }

        var below = router > start ? router - start : 0;
        var above = end > router ? end - router : 0;
        if (below == 0 && above == 0)
        {
            return null;
        }

        return above >= below ? (Ipv4.Format(router + 1), Ipv4.Format(end)) : (Ipv4.Format(start), Ipv4.Format(router - 1));
    }
}
