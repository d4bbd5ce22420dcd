using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.Agent.Netlink;

namespace Gateway.Agent.Routing;

/// <summary>A route as dumped, with its output link as an index (names are resolved against a link dump).</summary>
public sealed record DumpedRoute(int Table, string Destination, string? Gateway, int OutIndex, byte Type);

/// <summary>An address as dumped, with its link as an index.</summary>
public sealed record DumpedAddress(int LinkIndex, string Address, int PrefixLength);

/// <summary>
/// Parses and builds rtnetlink messages (IPv4 only). Each message is a 16-byte <c>nlmsghdr</c>, then a fixed
/// family header (<c>ifinfomsg</c> 16, <c>ifaddrmsg</c> 8, <c>rtmsg</c> 12, <c>fib_rule_hdr</c> 12 bytes), then
/// attributes (<see cref="NetlinkAttributeReader"/>) whose integers are in host order.
/// </summary>
public static class RouteMessages
{
    public delegate void MessageHandler(ushort type, ReadOnlySpan<byte> body);

    /// <summary>Walks one received batch; Done at NLMSG_DONE or an ACK.</summary>
    /// <exception cref="NetlinkException">The kernel reported an error, or the dump was interrupted.</exception>
    public static BatchEnd Walk(ReadOnlySpan<byte> batch, uint sequence, MessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return NetlinkWalk.Walk(batch, sequence, "rtnetlink", (type, _, body) =>
        {
            handler(type, body);
            return false;
        });
    }

    /// <summary>One RTM_NEWLINK body: index, name, IFF_UP and the master's index (a bridge port's bridge). Null when it carries no name.</summary>
    public static KernelLink? ParseLink(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.IfInfoSize)
        {
            NetlinkAttributeReader.ThrowMalformed("ifinfomsg truncated");
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        string? name = null;
        var master = 0;
        var reader = new NetlinkAttributeReader(body[Rtnl.IfInfoSize..]);
        while (reader.Next())
        {
            if (reader.Type == Rtnl.IflaIfName)
            {
                name = CString(reader.Payload);
            }
            else if (reader.Type == Rtnl.IflaMaster && reader.Payload.Length >= 4)
            {
                master = BinaryPrimitives.ReadInt32LittleEndian(reader.Payload);
            }
        }

        return name is null ? null : new KernelLink(index, name, (flags & Rtnl.IffUp) != 0, master);
    }

    /// <summary>One RTM_NEWADDR body; null for other families.</summary>
    public static DumpedAddress? ParseAddress(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.IfAddrSize)
        {
            NetlinkAttributeReader.ThrowMalformed("ifaddrmsg truncated");
        }

        if (body[0] != Rtnl.AfInet)
        {
            return null;
        }

        var prefix = body[1];
        var index = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        string? local = null, address = null;
        var reader = new NetlinkAttributeReader(body[Rtnl.IfAddrSize..]);
        while (reader.Next())
        {
            if (reader.Type == Rtnl.IfaLocal)
            {
                local = Ipv4(reader.Payload);
            }
            else if (reader.Type == Rtnl.IfaAddress)
            {
                address = Ipv4(reader.Payload);
            }
        }

        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
        return (local ?? address) is { } own ? new DumpedAddress(index, own, prefix) : null;
    }

    /// <summary>One RTM_NEWADDR body of an IPv6 address (link-local ones included); null for other families.</summary>
    public static DumpedAddress? ParseIpv6Address(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.IfAddrSize)
        {
            NetlinkAttributeReader.ThrowMalformed("ifaddrmsg truncated");
        }

        if (body[0] != Rtnl.AfInet6)
        {
            return null;
        }

        var prefix = body[1];
        var index = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        string? local = null, address = null;
        var reader = new NetlinkAttributeReader(body[Rtnl.IfAddrSize..]);
        while (reader.Next())
        {
            if (reader.Type == Rtnl.IfaLocal)
            {
                local = Ipv6(reader.Payload);
            }
            else if (reader.Type == Rtnl.IfaAddress)
            {
                address = Ipv6(reader.Payload);
            }
        }

        return (local ?? address) is { } own ? new DumpedAddress(index, own, prefix) : null;
    }

    /// <summary>"2001:db8::1" from 16 network-order bytes.</summary>
    internal static string Ipv6(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 16)
        {
            NetlinkAttributeReader.ThrowMalformed("IPv6 address attribute not 16 bytes");
        }

        return new IPAddress(payload).ToString();
    }

    /// <summary>One RTM_NEWRULE body; null for other families.</summary>
    public static RoutingRule? ParseRule(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.RuleHeaderSize)
        {
            NetlinkAttributeReader.ThrowMalformed("fib_rule_hdr truncated");
        }

        if (body[0] != Rtnl.AfInet)
        {
            return null;
        }

        int dstLength = body[1], srcLength = body[2], table = body[4], action = body[7];
        int priority = 0;
        uint? mark = null, mask = null;
        int? suppress = null;
        var extra = new List<string>();
        var reader = new NetlinkAttributeReader(body[Rtnl.RuleHeaderSize..]);
        while (reader.Next())
        {
            switch (reader.Type)
            {
                case Rtnl.FraPriority:
                    priority = (int)U32(reader.Payload);
                    break;
                case Rtnl.FraTable:
                    table = (int)U32(reader.Payload);
                    break;
                case Rtnl.FraFwMark:
                    mark = U32(reader.Payload);
                    break;
                case Rtnl.FraFwMask:
                    mask = U32(reader.Payload);
                    break;
                case Rtnl.FraSuppressPrefixLength:
                    var length = (int)U32(reader.Payload);
                    suppress = length >= 0 ? length : null;
                    break;
                case Rtnl.FraSrc:
                    extra.Add($"from {Ipv4(reader.Payload)}/{srcLength}");
                    break;
                case Rtnl.FraDst:
                    extra.Add($"to {Ipv4(reader.Payload)}/{dstLength}");
                    break;
                case Rtnl.FraIifName:
                    extra.Add($"iif {CString(reader.Payload)}");
                    break;
                case Rtnl.FraOifName:
                    extra.Add($"oif {CString(reader.Payload)}");
                    break;
            }
        }

        if (mark is not null && mask is { } m && m != uint.MaxValue)
        {
            extra.Add($"mask 0x{m.ToString("x", CultureInfo.InvariantCulture)}");
        }

        if (action != Rtnl.ActionToTable)
        {
            extra.Add($"action {action}");
        }

        return new RoutingRule(priority, table, mark, suppress, extra.Count == 0 ? null : string.Join(' ', extra), action);
    }

    /// <summary>One RTM_NEWROUTE body; null for other families.</summary>
    public static DumpedRoute? ParseRoute(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.RtMsgSize)
        {
            NetlinkAttributeReader.ThrowMalformed("rtmsg truncated");
        }

        if (body[0] != Rtnl.AfInet)
        {
            return null;
        }

        int dstLength = body[1], table = body[4];
        var type = body[7];
        string? destination = null, gateway = null;
        var oif = 0;
        var reader = new NetlinkAttributeReader(body[Rtnl.RtMsgSize..]);
        while (reader.Next())
        {
            switch (reader.Type)
            {
                case Rtnl.RtaTable:
                    table = (int)U32(reader.Payload);
                    break;
                case Rtnl.RtaDst:
                    destination = Ipv4(reader.Payload);
                    break;
                case Rtnl.RtaGateway:
                    gateway = Ipv4(reader.Payload);
                    break;
                case Rtnl.RtaOif:
                    oif = (int)U32(reader.Payload);
                    break;
            }
        }

        var prefix = dstLength == 0 ? "default" : $"{destination ?? "0.0.0.0"}/{dstLength}";
        return new DumpedRoute(table, prefix, gateway, oif, type);
    }

    /// <summary>The body of an RTM_NEWRULE / RTM_DELRULE for <paramref name="rule"/>.</summary>
    public static byte[] RuleBody(RoutingRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var header = new byte[Rtnl.RuleHeaderSize];
        header[0] = Rtnl.AfInet;
        header[4] = rule.Table is > 0 and < 256 ? (byte)rule.Table : (byte)0;
        header[7] = (byte)rule.Action;
        var body = new NetlinkAttributeWriter(64).Header(header);
        body.U32(Rtnl.FraPriority, (uint)rule.Priority);
        if (rule.Table > 0)
        {
            body.U32(Rtnl.FraTable, (uint)rule.Table);
        }

        if (rule.FwMark is { } mark)
        {
            body.U32(Rtnl.FraFwMark, mark);
            body.U32(Rtnl.FraFwMask, uint.MaxValue);
        }

        if (rule.SuppressPrefixLength is { } length)
        {
            body.U32(Rtnl.FraSuppressPrefixLength, (uint)length);
        }

        return body.ToArray();
    }

    /// <summary>The body of an RTM_NEWROUTE / RTM_DELROUTE for a route out of link <paramref name="outIndex"/> (0 = any).</summary>
    public static byte[] RouteBody(RoutingRoute route, int outIndex, bool delete)
    {
        ArgumentNullException.ThrowIfNull(route);
        var (network, length) = route.Destination == "default" ? ((byte[]?)null, 0) : SplitPrefix(route.Destination);
        var header = new byte[Rtnl.RtMsgSize];
        header[0] = Rtnl.AfInet;
        header[1] = (byte)length;
        header[4] = route.Table is > 0 and < 256 ? (byte)route.Table : (byte)0;
        header[5] = delete ? (byte)0 : Rtnl.RtprotStatic;
        header[6] = delete ? Rtnl.ScopeNowhere : route.Gateway is null ? Rtnl.ScopeLink : Rtnl.ScopeUniverse;
        header[7] = delete ? (byte)0 : Rtnl.RtnUnicast;
        var body = new NetlinkAttributeWriter(64).Header(header);
        body.U32(Rtnl.RtaTable, (uint)route.Table);
        if (network is not null)
        {
            body.Bytes(Rtnl.RtaDst, network);
        }

        if (route.Gateway is not null)
        {
            body.Bytes(Rtnl.RtaGateway, IPAddress.Parse(route.Gateway).GetAddressBytes());
        }

        if (outIndex > 0)
        {
            body.U32(Rtnl.RtaOif, (uint)outIndex);
        }

        return body.ToArray();
    }

    /// <summary>The body of an RTM_NEWADDR / RTM_DELADDR for <c>address/32</c> on link <paramref name="index"/>.</summary>
    public static byte[] AddressBody(int index, string address) => AddressBody(index, address, 32);

    /// <summary>
    /// The body of an RTM_NEWADDR / RTM_DELADDR for <c>address/prefixLength</c> (either family) on link
    /// <paramref name="index"/>. An IPv6 address skips duplicate address detection (IFA_F_NODAD): the owner chose
    /// it, and a tentative address would not answer for a second or two after every apply.
    /// </summary>
    public static byte[] AddressBody(int index, string address, int prefixLength)
    {
        var parsed = IPAddress.Parse(address);
        var bytes = parsed.GetAddressBytes();
        var v6 = parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var header = new byte[Rtnl.IfAddrSize];
        header[0] = v6 ? Rtnl.AfInet6 : Rtnl.AfInet;
        header[1] = (byte)prefixLength;
        header[2] = v6 ? Rtnl.IfaFlagNoDad : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)index);
        var body = new NetlinkAttributeWriter(48).Header(header);
        body.Bytes(Rtnl.IfaLocal, bytes);
        body.Bytes(Rtnl.IfaAddress, bytes);
        if (!v6 && prefixLength < 31)
        {
            // The subnet's broadcast address, as `ip address add ... brd +` sets it: the kernel does not derive it.
            var broadcast = (BinaryPrimitives.ReadUInt32BigEndian(bytes) | (uint.MaxValue >> prefixLength));
            Span<byte> brd = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(brd, broadcast);
            body.Bytes(Rtnl.IfaBroadcast, brd);
        }

        return body.ToArray();
    }

    private static (byte[] Network, int Length) SplitPrefix(string prefix)
    {
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? (IPAddress.Parse(prefix).GetAddressBytes(), 32)
            : (IPAddress.Parse(prefix[..slash]).GetAddressBytes(), int.Parse(prefix[(slash + 1)..], CultureInfo.InvariantCulture));
    }

    private static uint U32(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4)
        {
            NetlinkAttributeReader.ThrowMalformed("u32 attribute too short");
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(payload);
    }

    private static string Ipv4(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 4)
        {
            NetlinkAttributeReader.ThrowMalformed("IPv4 address attribute not 4 bytes");
        }

        return new IPAddress(payload).ToString();
    }

    internal static string CString(ReadOnlySpan<byte> payload)
    {
        var end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }
}
