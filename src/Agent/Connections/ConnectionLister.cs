using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Connections;

/// <summary>
/// One page of the conntrack table, newest first, from one streamed dump: the kernel filters by family, protocol
/// (CTA_FILTER on the original tuple) and ct mark; each remaining entry is parsed in place, checked against the
/// stream filters and, when it belongs on the page, kept in a heap of at most <c>limit</c> entries. Nothing else
/// of the table is held, so a page of 100 costs the same memory at 1,000 entries as at 250,000.
/// </summary>
public static class ConnectionLister
{
    public static ConnectionsReply List(NetlinkSocket socket, ConnectionQuery query, DeviceMap devices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(devices);
        // A min-heap on the key: its root is the oldest of the newest entries kept so far.
        var page = new PriorityQueue<(ConnectionEntry Entry, string? Device), (ulong, uint)>(query.Limit + 1);
        long total = 0;
        long onPage = 0;
        // An address matches any of four ends, and a kernel filter is an AND: one filtered dump per end, each
        // skipping what an earlier end's dump already matched. Four short walks in the kernel beat parsing the table.
        AddressEnd[] ends = query.AddressBytes is null ? [AddressEnd.None] : [AddressEnd.OriginalSource, AddressEnd.OriginalDestination, AddressEnd.ReplySource, AddressEnd.ReplyDestination];
        for (var e = 0; e < ends.Length; e++)
        {
            var side = e;
            socket.RequestRaw(Nl.CtType(Nl.CtMsgGet), Nl.FlagRequest | Nl.FlagDump, DumpRequest(query, ends[side]), (batch, sequence) =>
                NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
                {
                    if (type != Nl.CtType(Nl.CtMsgNew))
                    {
                        return;
                    }

                    var entry = ConnectionEntry.Parse(family, attributes);
                    if (!query.MatchesStream(entry) || MatchedEarlier(query, entry, ends, side))
                    {
                        return;
                    }

                    var device = devices.Of(entry);
                    if (query.Device is { } wanted && device != wanted)
                    {
                        return;
                    }

                    total++;
                    if (!query.OnPage(entry.Key))
                    {
                        return;
                    }

                    onPage++;
                    if (page.Count < query.Limit)
                    {
                        page.Enqueue((entry, device), entry.Key);
                    }
                    else if (page.TryPeek(out _, out var oldest) && Compare(entry.Key, oldest) > 0)
                    {
                        page.DequeueEnqueue((entry, device), entry.Key);
                    }
                }));
        }

        // Dequeued oldest first: the first is the page's last row, where the next page starts.
        var rows = new List<ConnectionRow>(page.Count);
        (ulong, uint)? last = null;
        while (page.TryDequeue(out var kept, out var key))
        {
            last ??= key;
            rows.Add(ConnectionRows.From(kept.Entry, kept.Device, now));
        }

        rows.Reverse();
        var next = onPage > rows.Count && last is { } end ? ConnectionQuery.Cursor(end) : null;
        return new ConnectionsReply(rows, next, total);
    }

    /// <summary>The nfgenmsg (family: 0 for every family) with the ct mark and CTA_FILTER attributes of the query.</summary>
    public static byte[] DumpRequest(ConnectionQuery query, AddressEnd end = AddressEnd.None)
    {
        ArgumentNullException.ThrowIfNull(query);
        var writer = new NetlinkAttributeWriter(96).NfgenHeader(query.Family);
        if (query.Mark is { } mark)
        {
            writer.U32BigEndian(Nl.CtaMark, mark).U32BigEndian(Nl.CtaMarkMask, query.MarkMask);
        }

        // The kernel parses a filter's tuple for one family only; with every family asked for, the stream filters.
        if (query.Family == 0)
        {
            return writer.ToArray();
        }

        var protocol = query.Protocol >= 0;
        var address = query.AddressBytes;
        var onOriginal = end is AddressEnd.OriginalSource or AddressEnd.OriginalDestination;
        var onReply = end is AddressEnd.ReplySource or AddressEnd.ReplyDestination;
        var ipFlag = end is AddressEnd.OriginalSource or AddressEnd.ReplySource ? Nl.CtaFilterFlagIpSrc : Nl.CtaFilterFlagIpDst;
        uint originalFlags = (protocol ? Nl.CtaFilterFlagProtoNum : 0) | (onOriginal ? ipFlag : 0);
        uint replyFlags = onReply ? ipFlag : 0;
        if (originalFlags == 0 && replyFlags == 0)
        {
            return writer.ToArray();
        }

        if (originalFlags != 0)
        {
            WriteTuple(writer, Nl.CtaTupleOrig, onOriginal ? address : null, ipFlag, protocol ? query.Protocol : -1);
        }

        if (replyFlags != 0)
        {
            WriteTuple(writer, Nl.CtaTupleReply, address, ipFlag, -1);
        }

        var filter = writer.BeginNested(Nl.CtaFilter);
        writer.U32(Nl.CtaFilterOrigFlags, originalFlags).U32(Nl.CtaFilterReplyFlags, replyFlags);
        writer.EndNested(filter);
        return writer.ToArray();
    }

    private static void WriteTuple(NetlinkAttributeWriter writer, ushort type, byte[]? address, uint ipFlag, int protocol)
    {
        var tuple = writer.BeginNested(type);
        if (address is not null)
        {
            var ip = writer.BeginNested(Nl.CtaTupleIp);
            var source = ipFlag == Nl.CtaFilterFlagIpSrc;
            var attribute = address.Length == 16 ? (source ? Nl.CtaIpV6Src : Nl.CtaIpV6Dst) : (source ? Nl.CtaIpV4Src : Nl.CtaIpV4Dst);
            writer.Bytes(attribute, address);
            writer.EndNested(ip);
        }

        if (protocol >= 0)
        {
            var proto = writer.BeginNested(Nl.CtaTupleProto);
            writer.U8(Nl.CtaProtoNum, (byte)protocol);
            writer.EndNested(proto);
        }

        writer.EndNested(tuple);
    }

    /// <summary>Whether an earlier end's dump (of <paramref name="ends"/> before <paramref name="current"/>) matched this entry already.</summary>
    private static bool MatchedEarlier(ConnectionQuery query, in ConnectionEntry entry, AddressEnd[] ends, int current)
    {
        for (var i = 0; i < current; i++)
        {
            var address = ends[i] switch
            {
                AddressEnd.OriginalSource => entry.OriginalSource.Address,
                AddressEnd.OriginalDestination => entry.OriginalDestination.Address,
                AddressEnd.ReplySource => entry.ReplySource.Address,
                _ => entry.ReplyDestination.Address,
            };
            if (address == query.Address)
            {
                return true;
            }
        }

        return false;
    }

    private static int Compare((ulong Start, uint Id) a, (ulong Start, uint Id) b) =>
        a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Id.CompareTo(b.Id);
}

/// <summary>Which end of a conntrack entry a kernel address filter names.</summary>
public enum AddressEnd
{
    None,
    OriginalSource,
    OriginalDestination,
    ReplySource,
    ReplyDestination,
}
