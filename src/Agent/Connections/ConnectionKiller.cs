using Gateway.Agent.Netlink;

namespace Gateway.Agent.Connections;

/// <summary>
/// Deletes one conntrack entry by its id. ctnetlink deletes by tuple (an id alone would flush the table), so one
/// dump finds the entry's original tuple, and the delete names both tuple and id: an entry that ended and was
/// replaced by another with the same tuple in between is not touched.
/// </summary>
public static class ConnectionKiller
{
    /// <summary>True when the entry was there and is gone now; false when no entry had that id.</summary>
    /// <exception cref="NetlinkException">The kernel refused the dump or the delete.</exception>
    public static bool Kill(NetlinkSocket socket, uint id)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte[]? request = null;
        socket.RequestRaw(Nl.CtType(Nl.CtMsgGet), Nl.FlagRequest | Nl.FlagDump, new NetlinkAttributeWriter(4).NfgenHeader(0).Written, (batch, sequence) =>
            NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
            {
                if (request is null && type == Nl.CtType(Nl.CtMsgNew) && IdOf(attributes) == id)
                {
                    request = DeleteRequest(family, attributes, id);
                }
            }));
        if (request is null)
        {
            return false;
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
