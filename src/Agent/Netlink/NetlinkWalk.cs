using System.Buffers.Binary;

namespace Gateway.Agent.Netlink;

/// <summary>What a batch of netlink replies said about the request in progress.</summary>
public enum BatchEnd
{
    /// <summary>More messages follow in the next read.</summary>
    More,

    /// <summary>NLMSG_DONE, the ACK (error 0) of a non-dump request, or the one reply of a single-answer request.</summary>
    Done,
}

/// <summary>
/// The one walk over what a <c>recv</c> on a netlink socket returns, for every netlink family. Layout, repeated:
/// <code>
///   struct nlmsghdr  (16 bytes, host order)  u32 len, u16 type, u16 flags, u32 seq, u32 pid
///   body             (family header + attributes), padded so the next message starts 4-aligned
/// </code>
/// An NLMSG_ERROR message carries an s32 (negative errno, 0 = ACK) and the request's header.
/// </summary>
public static class NetlinkWalk
{
    /// <summary>One message of a reply; returns true when that message completes the request (a single answer).</summary>
    public delegate bool MessageHandler(ushort type, ushort flags, ReadOnlySpan<byte> body);

    /// <summary>One nfnetlink message: its type, its nfgenmsg family (AF_INET, AF_INET6, ...) and its attributes.</summary>
    public delegate void NfnetlinkHandler(ushort type, byte family, ReadOnlySpan<byte> attributes);

    /// <summary>
    /// Walks one received batch, handing the messages that answer <paramref name="sequence"/> to
    /// <paramref name="handler"/>; messages of another sequence (replies to an earlier, abandoned request) are skipped.
    /// </summary>
    /// <param name="protocol">Names the family in error messages ("ctnetlink", "rtnetlink").</param>
    /// <exception cref="NetlinkException">The kernel reported an error, an overrun or an interrupted dump (EINTR).</exception>
    /// <exception cref="InvalidDataException">Truncated or inconsistent messages.</exception>
    public static BatchEnd Walk(ReadOnlySpan<byte> batch, uint sequence, string protocol, MessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
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
                continue;
            }

            if ((flags & Nl.FlagDumpInterrupted) != 0)
            {
                throw new NetlinkException($"{protocol} dump interrupted by concurrent changes", Errno.EIntr);
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

                    throw new NetlinkException($"{protocol} error {-error} ({Errno.Name(-error)})", -error);
                case Nl.MsgOverrun:
                    throw new NetlinkException("netlink overrun", 0);
                default:
                    if (handler(type, flags, body))
                    {
                        return BatchEnd.Done;
                    }

                    break;
            }
        }

        return BatchEnd.More;
    }

    /// <summary>
    /// <see cref="Walk"/> for NETLINK_NETFILTER replies: each body starts with a 4-byte nfgenmsg whose family is
    /// handed on with the attributes after it. A reply of <paramref name="singleAnswer"/> without NLM_F_MULTI
    /// (e.g. IPCTNL_MSG_CT_GET_STATS) completes the request.
    /// </summary>
    public static BatchEnd WalkNfnetlink(ReadOnlySpan<byte> batch, uint sequence, NfnetlinkHandler handler, ushort singleAnswer = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Walk(batch, sequence, "ctnetlink", (type, flags, body) =>
        {
            if (body.Length < Nl.NfgenmsgSize)
            {
                NetlinkAttributeReader.ThrowMalformed("nfgenmsg truncated");
            }

            handler(type, body[0], body[Nl.NfgenmsgSize..]);
            return singleAnswer != 0 && type == singleAnswer && (flags & Nl.FlagMulti) == 0;
        });
    }
}
