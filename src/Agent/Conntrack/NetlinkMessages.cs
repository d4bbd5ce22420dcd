using System.Buffers.Binary;

namespace Gateway.Agent.Conntrack;

/// <summary>What a batch of netlink replies said about the request in progress.</summary>
public enum BatchEnd
{
    /// <summary>More messages follow in the next read.</summary>
    More,

    /// <summary>NLMSG_DONE, or the ACK (error 0) of a non-dump request.</summary>
    Done,
}

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
    /// <exception cref="ConntrackException">The kernel reported an error or an interrupted dump.</exception>
    public static BatchEnd ParseDump(ReadOnlySpan<byte> batch, uint sequence, ConntrackTally tally)
    {
        return Walk(batch, sequence, (type, family, payload) =>
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
        var end = Walk(batch, sequence, (type, _, payload) =>
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
        });
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
        return Walk(batch, sequence, (type, _, payload) =>
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
        return Walk(batch, sequence, (type, family, attributes) =>
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
                    var length = NetlinkAttributeReader.HeaderSize + reader.Payload.Length;
                    var body = new byte[Nl.NfgenmsgSize + NetlinkAttributeReader.Align(length)];
                    body[0] = family;
                    body[1] = Nl.NfnetlinkV0;
                    BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(Nl.NfgenmsgSize), (ushort)length);
                    BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(Nl.NfgenmsgSize + 2), Nl.CtaTupleOrig | NetlinkAttributeReader.NestedFlag);
                    reader.Payload.CopyTo(body.AsSpan(Nl.NfgenmsgSize + NetlinkAttributeReader.HeaderSize));
                    found.Add(body);
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

    /// <summary>One message of a reply: its type, its nfgenmsg family (AF_INET, AF_INET6, ...) and its attributes.</summary>
    internal delegate void MessageHandler(ushort type, byte family, ReadOnlySpan<byte> attributes);

    internal static BatchEnd Walk(ReadOnlySpan<byte> batch, uint sequence, MessageHandler handler)
    {
        while (batch.Length > 0)
        {
            if (batch.Length < Nl.NlmsgHeaderSize)
            {
                NetlinkAttributeReader.ThrowMalformed("message header truncated");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(batch);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(batch[4..]);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(batch[6..]);
            var seq = BinaryPrimitives.ReadUInt32LittleEndian(batch[8..]);
            if (length < Nl.NlmsgHeaderSize || length > batch.Length)
            {
                NetlinkAttributeReader.ThrowMalformed($"message length {length} outside 16..{batch.Length}");
            }

            var body = batch[Nl.NlmsgHeaderSize..(int)length];
            var aligned = NetlinkAttributeReader.Align((int)length);
            batch = aligned >= batch.Length ? [] : batch[aligned..];

            if (seq != sequence)
            {
                // A reply to an earlier request on this socket (e.g. after a timeout); not ours.
                continue;
            }

            if ((flags & Nl.FlagDumpInterrupted) != 0)
            {
                throw new ConntrackException("conntrack dump interrupted by concurrent changes", 0);
            }

            switch (type)
            {
                case Nl.MsgDone:
                    return BatchEnd.Done;
                case Nl.MsgError:
                    if (body.Length < 4)
                    {
                        NetlinkAttributeReader.ThrowMalformed("error message truncated");
                    }

                    var error = BinaryPrimitives.ReadInt32LittleEndian(body);
                    if (error == 0)
                    {
                        return BatchEnd.Done;
                    }

                    throw new ConntrackException($"ctnetlink error {-error}", -error);
                case Nl.MsgOverrun:
                    throw new ConntrackException("netlink overrun", 0);
                default:
                    if (body.Length < Nl.NfgenmsgSize)
                    {
                        NetlinkAttributeReader.ThrowMalformed("nfgenmsg truncated");
                    }

                    handler(type, body[0], body[Nl.NfgenmsgSize..]);
                    if ((flags & Nl.FlagMulti) == 0 && type == Nl.CtType(Nl.CtMsgGetStats))
                    {
                        return BatchEnd.Done;
                    }

                    break;
            }
        }

        return BatchEnd.More;
    }
}

/// <summary>The kernel refused a conntrack request; <see cref="Errno"/> is the positive errno (0 if none).</summary>
public sealed class ConntrackException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}
