using System.Buffers.Binary;
using System.Globalization;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;

namespace Gateway.Agent.Routing;

/// <summary>A neighbour entry as rtnetlink reports it: link index, address, hardware address (if any), NUD state.</summary>
public sealed record DumpedNeighbour(int LinkIndex, string Address, string? Mac, ushort State)
{
    // NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT: the kernel holds a hardware address it
    // uses (or will re-check). INCOMPLETE, FAILED, NOARP and NONE are not a host that answered.
    private const ushort Resolved = 0x02 | 0x04 | 0x08 | 0x10 | 0x80;

    /// <summary>A resolved entry with a hardware address.</summary>
    public bool Usable => Mac is not null && (State & Resolved) != 0 && (State & Rtnl.NudFailed) == 0;
}

/// <summary>
/// Parses rtnetlink neighbour messages (RTM_NEWNEIGH / RTM_DELNEIGH, dumps and multicast events alike): a 12-byte
/// <c>ndmsg</c> (family, pad, pad, ifindex s32, state u16, flags u8, type u8), then NDA_* attributes.
/// </summary>
public static class NeighbourMessages
{
    /// <summary>One neighbour body of either family; null when it carries no destination address.</summary>
    public static DumpedNeighbour? Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length < Rtnl.NdMsgSize)
        {
            NetlinkAttributeReader.ThrowMalformed("ndmsg truncated");
        }

        var family = body[0];
        if (family is not (Rtnl.AfInet or Rtnl.AfInet6))
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var state = BinaryPrimitives.ReadUInt16LittleEndian(body[8..]);
        string? address = null, mac = null;
        var reader = new NetlinkAttributeReader(body[Rtnl.NdMsgSize..]);
        while (reader.Next())
        {
            if (reader.Type == Rtnl.NdaDst)
            {
                var expected = family == Rtnl.AfInet6 ? 16 : 4;
                if (reader.Payload.Length != expected)
                {
                    NetlinkAttributeReader.ThrowMalformed("neighbour address of the wrong length");
                }

                address = new System.Net.IPAddress(reader.Payload).ToString();
            }
            else if (reader.Type == Rtnl.NdaLladdr && reader.Payload.Length == 6)
            {
                // Other lengths (tunnels, InfiniBand) are not a MAC a pinhole or the web could name.
                mac = Mac(reader.Payload);
            }
        }

        return address is null ? null : new DumpedNeighbour(index, address, mac is "00:00:00:00:00:00" ? null : mac, state);
    }

    private static string Mac(ReadOnlySpan<byte> bytes)
    {
        var parts = new string[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            parts[i] = bytes[i].ToString("x2", CultureInfo.InvariantCulture);
        }

        return string.Join(':', parts);
    }
}
