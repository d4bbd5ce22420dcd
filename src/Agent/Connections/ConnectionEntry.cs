using System.Buffers.Binary;
using System.Net;
using Gateway.Agent.Netlink;

namespace Gateway.Agent.Connections;

/// <summary>One end of a conntrack tuple: an address (IPv4 in the low 32 bits) and a port (-1 when the protocol has none).</summary>
public readonly record struct TupleEnd(UInt128 Address, int Port);

/// <summary>
/// The fields of one ctnetlink entry the connections page shows, parsed without allocating: the dump walks up to
/// 250,000 of these per page and keeps only the page.
/// </summary>
public struct ConnectionEntry
{
    public byte Family;
    public byte Protocol;
    public uint Id;
    public uint Mark;
    public uint TimeoutSeconds;

    /// <summary>CTA_TIMESTAMP_START in wall-clock nanoseconds; 0 when the entry predates nf_conntrack_timestamp.</summary>
    public ulong StartNs;

    /// <summary>The TCP state (TCP_CONNTRACK_*); -1 for other protocols.</summary>
    public int TcpState;
    public TupleEnd OriginalSource;
    public TupleEnd OriginalDestination;
    public TupleEnd ReplySource;
    public TupleEnd ReplyDestination;
    public ulong OriginalBytes;
    public ulong OriginalPackets;
    public ulong ReplyBytes;
    public ulong ReplyPackets;

    // enum ctattr_type, ctattr_tuple, ctattr_ip, ctattr_l4proto, ctattr_counters, ctattr_tstamp, ctattr_protoinfo.
    private const ushort CtaTupleReply = 2;
    private const ushort CtaProtoinfo = 4;
    private const ushort CtaTimeout = 7;
    private const ushort CtaCountersOrig = 9;
    private const ushort CtaCountersReply = 10;
    private const ushort CtaId = 12;
    private const ushort CtaTimestamp = 20;
    private const ushort CtaIpV4Src = 1;
    private const ushort CtaIpV6Src = 3;
    private const ushort CtaProtoSrcPort = 2;
    private const ushort CtaProtoDstPort = 3;
    private const ushort CtaCountersPackets = 1;
    private const ushort CtaCountersBytes = 2;
    private const ushort CtaTimestampStart = 1;
    private const ushort CtaProtoinfoTcp = 1;
    private const ushort CtaProtoinfoTcpState = 1;

    /// <summary>The ordering key of the page: newest first, then by id.</summary>
    public readonly (ulong Start, uint Id) Key => (StartNs, Id);

    /// <summary>Parses one entry's attributes (after the nfgenmsg of family <paramref name="family"/>).</summary>
    /// <exception cref="InvalidDataException">Malformed attributes.</exception>
    public static ConnectionEntry Parse(byte family, ReadOnlySpan<byte> attributes)
    {
        var entry = new ConnectionEntry { Family = family, TcpState = -1 };
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            switch (reader.Type)
            {
                case Nl.CtaTupleOrig:
                    ParseTuple(reader.Nested(), out entry.OriginalSource, out entry.OriginalDestination, out entry.Protocol);
                    break;
                case CtaTupleReply:
                    ParseTuple(reader.Nested(), out entry.ReplySource, out entry.ReplyDestination, out _);
                    break;
                case Nl.CtaMark:
                    entry.Mark = reader.ReadU32BigEndian();
                    break;
                case CtaId:
                    entry.Id = reader.ReadU32BigEndian();
                    break;
                case CtaTimeout:
                    entry.TimeoutSeconds = reader.ReadU32BigEndian();
                    break;
                case CtaCountersOrig:
                    ParseCounters(reader.Nested(), out entry.OriginalBytes, out entry.OriginalPackets);
                    break;
                case CtaCountersReply:
                    ParseCounters(reader.Nested(), out entry.ReplyBytes, out entry.ReplyPackets);
                    break;
                case CtaTimestamp:
                    var stamp = reader.Nested();
                    while (stamp.Next())
                    {
                        if (stamp.Type == CtaTimestampStart)
                        {
                            entry.StartNs = U64(stamp.Payload);
                        }
                    }

                    break;
                case CtaProtoinfo:
                    var info = reader.Nested();
                    while (info.Next())
                    {
                        if (info.Type != CtaProtoinfoTcp)
                        {
                            continue;
                        }

                        var tcp = info.Nested();
                        while (tcp.Next())
                        {
                            if (tcp.Type == CtaProtoinfoTcpState)
                            {
                                entry.TcpState = tcp.ReadU8();
                            }
                        }
                    }

                    break;
            }
        }

        return entry;
    }

    /// <summary>The address of <paramref name="end"/> in text form.</summary>
    public readonly string Format(TupleEnd end)
    {
        if (Family == Nl.AfInet6)
        {
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, end.Address);
            return new IPAddress(bytes).ToString();
        }

        return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)end.Address)).ToString();
    }

    /// <summary>An address in the form <see cref="TupleEnd.Address"/> holds, from its family's bytes.</summary>
    public static UInt128 AddressOf(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static void ParseTuple(NetlinkAttributeReader tuple, out TupleEnd source, out TupleEnd destination, out byte protocol)
    {
        UInt128 from = 0, to = 0;
        int sourcePort = -1, destinationPort = -1;
        protocol = 0;
        while (tuple.Next())
        {
            if (tuple.Type == Nl.CtaTupleIp)
            {
                var ip = tuple.Nested();
                while (ip.Next())
                {
                    if (ip.Type is CtaIpV4Src or CtaIpV6Src)
                    {
                        from = AddressOf(Exact(ip.Payload, ip.Type == CtaIpV4Src ? 4 : 16));
                    }
                    else if (ip.Type is Nl.CtaIpV4Dst or Nl.CtaIpV6Dst)
                    {
                        to = AddressOf(Exact(ip.Payload, ip.Type == Nl.CtaIpV4Dst ? 4 : 16));
                    }
                }
            }
            else if (tuple.Type == Nl.CtaTupleProto)
            {
                var proto = tuple.Nested();
                while (proto.Next())
                {
                    switch (proto.Type)
                    {
                        case Nl.CtaProtoNum:
                            protocol = proto.ReadU8();
                            break;
                        case CtaProtoSrcPort:
                            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(Exact(proto.Payload, 2));
                            break;
                        case CtaProtoDstPort:
                            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(Exact(proto.Payload, 2));
                            break;
                    }
                }
            }
        }

        source = new TupleEnd(from, sourcePort);
        destination = new TupleEnd(to, destinationPort);
    }

    private static void ParseCounters(NetlinkAttributeReader counters, out ulong bytes, out ulong packets)
    {
        bytes = 0;
        packets = 0;
        while (counters.Next())
        {
            if (counters.Type == CtaCountersBytes)
            {
                bytes = U64(counters.Payload);
            }
            else if (counters.Type == CtaCountersPackets)
            {
                packets = U64(counters.Payload);
            }
        }
    }

    private static ulong U64(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadUInt64BigEndian(Exact(payload, 8));

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> payload, int length)
    {
        if (payload.Length < length)
        {
            NetlinkAttributeReader.ThrowMalformed($"attribute of {payload.Length} bytes where {length} belong");
        }

        return payload[..length];
    }
}
