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
        socket.RequestRaw(Nl.CtType(Nl.CtMsgGet), Nl.FlagRequest | Nl.FlagDump, DumpRequest(query), (batch, sequence) =>
            NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
            {
                if (type != Nl.CtType(Nl.CtMsgNew))
                {
                    return;
                }

                var entry = ConnectionEntry.Parse(family, attributes);
                if (!query.MatchesStream(entry))
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
    public static byte[] DumpRequest(ConnectionQuery query)
    {
        var writer = new NetlinkAttributeWriter(64).NfgenHeader(query.Family);
        if (query.Mark is { } mark)
        {
            writer.U32BigEndian(Nl.CtaMark, mark).U32BigEndian(Nl.CtaMarkMask, query.MarkMask);
        }

        if (query.Protocol >= 0 && query.Family != 0)
        {
            // The kernel parses a filter's tuple for one family only; with every family asked for, the stream filters.
            var tuple = writer.BeginNested(Nl.CtaTupleOrig);
            var proto = writer.BeginNested(Nl.CtaTupleProto);
            writer.U8(Nl.CtaProtoNum, (byte)query.Protocol);
            writer.EndNested(proto);
            writer.EndNested(tuple);
            var filter = writer.BeginNested(Nl.CtaFilter);
            writer.U32(Nl.CtaFilterOrigFlags, Nl.CtaFilterFlagProtoNum).U32(Nl.CtaFilterReplyFlags, 0);
            writer.EndNested(filter);
        }

        return writer.ToArray();
    }

    private static int Compare((ulong Start, uint Id) a, (ulong Start, uint Id) b) =>
        a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Id.CompareTo(b.Id);
}
