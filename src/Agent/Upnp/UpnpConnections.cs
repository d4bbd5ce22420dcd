using Gateway.Agent.Connections;
using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Upnp;

/// <summary>
/// Cuts the connections a deleted mapping carried: the entries with the UPnP ct mark kind (the kernel filters by mark),
/// of its protocol, to its external port, answered by its internal address and port — one dump, then each entry by
/// its original tuple and id. A cut TCP flow does not come back: the guard drops a new connection that starts
/// without a SYN.
/// </summary>
public static class UpnpConnections
{
    public static void Cut(MappingRule mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (!Ipv4.TryParse(mapping.InternalAddress, out var address))
        {
            return;
        }

        var protocol = mapping.Protocol == "tcp" ? (byte)6 : (byte)17;
        // TupleEnd holds an IPv4 address as the number its four bytes read big-endian, as Ipv4 parses it.
        var internalAddress = (UInt128)address;
        var found = new List<byte[]>();
        using var socket = new NetlinkSocket();
        var request = new NetlinkAttributeWriter(32).NfgenHeader(Nl.AfInet).U32BigEndian(Nl.CtaMark, CtMarks.UpnpKind).U32BigEndian(Nl.CtaMarkMask, CtMarks.KindMask).ToArray();
        socket.RequestRaw(Nl.CtType(Nl.CtMsgGet), Nl.FlagRequest | Nl.FlagDump, request, (batch, sequence) =>
            NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
            {
                if (type != Nl.CtType(Nl.CtMsgNew))
                {
                    return;
                }

                var entry = ConnectionEntry.Parse(family, attributes);
                if (entry.Protocol == protocol && entry.OriginalDestination.Port == mapping.ExternalPort
                    && entry.ReplySource.Address == internalAddress && entry.ReplySource.Port == mapping.InternalPort)
                {
                    found.Add(ConnectionKiller.DeleteRequest(family, attributes, entry.Id));
                }
            }));
        foreach (var delete in found)
        {
            try
            {
                socket.RequestRaw(Nl.CtType(Nl.CtMsgDelete), Nl.FlagRequest | Nl.FlagAck, delete, (batch, sequence) =>
                    NetlinkWalk.WalkNfnetlink(batch, sequence, (_, _, _) => { }));
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
            {
                // It ended between the dump and the delete.
            }
        }
    }
}
