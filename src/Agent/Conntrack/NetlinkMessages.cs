using Gateway.Agent.Netlink;

namespace Gateway.Agent.Conntrack;

/// <summary>
/// Parses what one <c>recv</c> on a NETLINK_NETFILTER socket returns. Layout, repeated:
/// <code>
///   struct nlmsghdr  (16 bytes, host order)  u32 len, u16 type, u16 flags, u32 seq, u32 pid
///   struct nfgenmsg  (4 bytes)               u8 family, u8 version, be16 res_id
///   attributes       (see NetlinkAttributeReader), padded so the next message starts 4-aligned
/// </code>
/// An NLMSG_ERROR message carries an s32 (negative errno, 0 = ACK) and the request's header.
/// </summary>
public static class NetlinkMessages
{
    /// <summary>Adds every conntrack entry in <paramref name="batch"/> to <paramref name="tally"/>.</summary>
    /// <exception cref="InvalidDataException">Truncated or inconsistent messages.</exception>
    /// <exception cref="NetlinkException">The kernel reported an error or an interrupted dump.</exception>
    public static BatchEnd ParseDump(ReadOnlySpan<byte> batch, uint sequence, ConntrackTally tally)
    {
        return NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, payload) =>
        {
            if (type == Nl.CtType(Nl.CtMsgNew))
            {
                ParseEntry(payload, out var protocol, out var mark);
                tally.Add(family, protocol, mark);
            }
        });
    }

    /// <summary>Reads the global entry count (and max) of an IPCTNL_MSG_CT_GET_STATS reply.</summary>
    public static BatchEnd ParseStats(ReadOnlySpan<byte> batch, uint sequence, out long entries, out long max)
    {
        long e = -1, m = -1;
        var end = NetlinkWalk.WalkNfnetlink(batch, sequence, (type, _, payload) =>
        {
            if (type != Nl.CtType(Nl.CtMsgGetStats))
            {
                return;
            }

            var reader = new NetlinkAttributeReader(payload);
            while (reader.Next())
            {
                if (reader.Type == Nl.CtaStatsGlobalEntries)
                {
                    e = reader.ReadU32BigEndian();
                }
                else if (reader.Type == Nl.CtaStatsGlobalMaxEntries)
                {
                    m = reader.ReadU32BigEndian();
                }
            }
        }, Nl.CtType(Nl.CtMsgGetStats));
        entries = e;
        max = m;
        return e >= 0 ? BatchEnd.Done : end;
    }

    /// <summary>
    /// Adds the counters of each CPU's message of an IPCTNL_MSG_CT_GET_STATS_CPU dump (one message per CPU, every
    /// counter a be32) to <paramref name="sums"/>, by the names <c>conntrack -S</c> uses; unknown counters are skipped.
    /// </summary>
    public static BatchEnd ParseCpuStats(ReadOnlySpan<byte> batch, uint sequence, Dictionary<string, long> sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        return NetlinkWalk.WalkNfnetlink(batch, sequence, (type, _, payload) =>
        {
            if (type != Nl.CtType(Nl.CtMsgGetStatsCpu))
            {
                return;
            }

            var reader = new NetlinkAttributeReader(payload);
            while (reader.Next())
            {
                if (Nl.CpuStatName(reader.Type) is { } name)
                {
                    sums[name] = sums.GetValueOrDefault(name) + reader.ReadU32BigEndian();
                }
            }
        });
    }

    /// <summary>
    /// Adds to <paramref name="found"/> a delete request body for each entry of a dump batch whose ct mark is in
    /// <paramref name="marks"/>: its nfgenmsg (family) and its CTA_TUPLE_ORIG attribute as the dump gave it, which is
    /// what IPCTNL_MSG_CT_DELETE looks an entry up by. With <paramref name="destination"/> (4 or 16 address bytes),
    /// only entries whose original destination is that address.
    /// </summary>
    public static BatchEnd CollectByMark(ReadOnlySpan<byte> batch, uint sequence, IReadOnlySet<uint> marks, List<byte[]> found, byte[]? destination = null)
    {
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentNullException.ThrowIfNull(found);
        return NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
        {
            if (type != Nl.CtType(Nl.CtMsgNew))
            {
                return;
            }

            ParseEntry(attributes, out _, out var mark);
            if (mark == 0 || !marks.Contains(mark) || (destination is not null && !OriginalDestinationIs(attributes, destination)))
            {
                return;
            }

            var reader = new NetlinkAttributeReader(attributes);
            while (reader.Next())
            {
                if (reader.Type == Nl.CtaTupleOrig)
                {
                    var body = new NetlinkAttributeWriter(Nl.NfgenmsgSize + NetlinkAttributeReader.HeaderSize + reader.Payload.Length)
                        .NfgenHeader(family)
                        .Bytes(Nl.CtaTupleOrig | NetlinkAttributeReader.NestedFlag, reader.Payload);
                    found.Add(body.ToArray());
                    return;
                }
            }
        });
    }

    /// <summary>Whether the original tuple's destination address of one entry's attributes is <paramref name="address"/>.</summary>
    public static bool OriginalDestinationIs(ReadOnlySpan<byte> attributes, ReadOnlySpan<byte> address)
    {
        var wanted = address.Length == 16 ? Nl.CtaIpV6Dst : Nl.CtaIpV4Dst;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            if (reader.Type != Nl.CtaTupleOrig)
            {
                continue;
            }

            var tuple = reader.Nested();
            while (tuple.Next())
            {
                if (tuple.Type != Nl.CtaTupleIp)
                {
                    continue;
                }

                var ip = tuple.Nested();
                while (ip.Next())
                {
                    if (ip.Type == wanted)
                    {
                        return ip.Payload.SequenceEqual(address);
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Protocol number of the original tuple and the ct mark (0 when absent) of one entry's attributes.</summary>
    public static void ParseEntry(ReadOnlySpan<byte> attributes, out byte protocol, out uint mark)
    {
        protocol = 0;
        mark = 0;
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            if (reader.Type == Nl.CtaMark)
            {
                mark = reader.ReadU32BigEndian();
            }
            else if (reader.Type == Nl.CtaTupleOrig)
            {
                var tuple = reader.Nested();
                while (tuple.Next())
                {
                    if (tuple.Type != Nl.CtaTupleProto)
                    {
                        continue;
                    }

                    var proto = tuple.Nested();
                    while (proto.Next())
                    {
                        if (proto.Type == Nl.CtaProtoNum)
                        {
                            protocol = proto.ReadU8();
                        }
                    }
                }
            }
        }
    }
}
