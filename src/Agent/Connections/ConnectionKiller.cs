using System.Buffers.Binary;
using System.Net;
using Gateway.Agent.Netlink;
using Gateway.Agent.Nft;

namespace Gateway.Agent.Connections;

/// <summary>
/// Deletes one conntrack entry by its id. ctnetlink deletes by tuple (an id alone would flush the table), so one
/// dump finds the entry's original tuple, and the delete names both tuple and id: an entry that ended and was
/// replaced by another with the same tuple in between is not touched. A TCP entry's two directions go to a callback
/// first (the killed-flow sets, <see cref="KilledFlows"/>), so no segment finds the flow without its reset waiting.
/// </summary>
public static class ConnectionKiller
{
    /// <summary>True when the entry was there and is gone now; false when no entry had that id.</summary>
    /// <param name="socket">A netlink socket.</param>
    /// <param name="id">The entry's conntrack id.</param>
    /// <param name="cuttingTcp">Called with a TCP entry's two directions (<see cref="TcpTuples"/>) before the delete.</param>
    /// <exception cref="NetlinkException">The kernel refused the dump or the delete.</exception>
    public static bool Kill(NetlinkSocket socket, uint id, Action<IReadOnlyList<FlowTuple>>? cuttingTcp = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte[]? request = null;
        IReadOnlyList<FlowTuple> tuples = [];
        socket.RequestRaw(Nl.CtType(Nl.CtMsgGet), Nl.FlagRequest | Nl.FlagDump, new NetlinkAttributeWriter(4).NfgenHeader(0).Written, (batch, sequence) =>
            NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
            {
                if (request is null && type == Nl.CtType(Nl.CtMsgNew) && IdOf(attributes) == id)
                {
                    request = DeleteRequest(family, attributes, id);
                    tuples = TcpTuples(ConnectionEntry.Parse(family, attributes));
                }
            }));
        if (request is null)
        {
            return false;
        }

        if (tuples.Count > 0)
        {
            cuttingTcp?.Invoke(tuples);
        }

        try
        {
            socket.RequestRaw(Nl.CtType(Nl.CtMsgDelete), Nl.FlagRequest | Nl.FlagAck, request, (batch, sequence) =>
                NetlinkWalk.WalkNfnetlink(batch, sequence, (_, _, _) => { }));
            return true;
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
        {
            // It ended between the dump and the delete.
            return false;
        }
    }

    /// <summary>
    /// A TCP entry's two directions as their segments reach the router, before any NAT: the original tuple (the
    /// connecting peer's segments) and the reply tuple (the answering peer's); empty for any other protocol.
    /// </summary>
    public static IReadOnlyList<FlowTuple> TcpTuples(in ConnectionEntry entry)
    {
        if (entry.Protocol != TcpProtocol || entry.OriginalSource.Port < 0 || entry.ReplySource.Port < 0)
        {
            return [];
        }

        return
        [
            new FlowTuple(Address(entry, entry.OriginalSource), entry.OriginalSource.Port, Address(entry, entry.OriginalDestination), entry.OriginalDestination.Port),
            new FlowTuple(Address(entry, entry.ReplySource), entry.ReplySource.Port, Address(entry, entry.ReplyDestination), entry.ReplyDestination.Port),
        ];
    }

    private const byte TcpProtocol = 6;

    private static IPAddress Address(in ConnectionEntry entry, TupleEnd end)
    {
        if (entry.Family == Nl.AfInet6)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, end.Address);
            return new IPAddress(bytes);
        }

        var v4 = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)end.Address);
        return new IPAddress(v4);
    }

    private static uint? IdOf(ReadOnlySpan<byte> attributes)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            if (reader.Type == Nl.CtaId)
            {
                return reader.ReadU32BigEndian();
            }
        }

        return null;
    }

    /// <summary>nfgenmsg of the entry's family, its original tuple as dumped, and its id.</summary>
    public static byte[] DeleteRequest(byte family, ReadOnlySpan<byte> attributes, uint id)
    {
        var writer = new NetlinkAttributeWriter(96).NfgenHeader(family);
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            if (reader.Type == Nl.CtaTupleOrig)
            {
                writer.Bytes(Nl.CtaTupleOrig | NetlinkAttributeReader.NestedFlag, reader.Payload);
            }
        }

        return writer.U32BigEndian(Nl.CtaId, id).ToArray();
    }
}
