using System.Buffers.Binary;
using Gateway.Agent.Netlink;

namespace Gateway.Bench;

/// <summary>
/// Fills this namespace's conntrack table with synthetic ESTABLISHED/ASSURED tcp entries through ctnetlink
/// (IPCTNL_MSG_CT_NEW, many messages per send): 100,000 entries take about a second, where one
/// <c>conntrack -I</c> per entry takes minutes. Entry i: 10.a.b.c:(1024 + i % 60000) → 192.0.2.1:443, a tenth
/// of them with ct mark 5 (a forward's id); or, with <see cref="FillFromLan"/>, from one of <see cref="LanHosts"/>
/// LAN hosts, so that device accounting maps every entry to a device.
/// </summary>
internal static class ConntrackFill
{
    /// <summary>The LAN hosts of <see cref="FillFromLan"/>: 192.168.50.40 to .239, in the bench lab's LAN.</summary>
    public const int LanHosts = 200;

    public const uint FirstLanHost = 0xC0A83228; // 192.168.50.40

    private const int PerSend = 256;

    public static int Fill(int count, uint markedId = 5) =>
        Fill(count, i => (0x0A000000 | (uint)i, (ushort)(1024 + (i % 60000))), markedId);

    /// <summary>Entry i from LAN host <c>i % LanHosts</c>, source port 1024 + i / LanHosts (up to 12.8M entries).</summary>
    public static int FillFromLan(int count) =>
        Fill(count, i => (FirstLanHost + (uint)(i % LanHosts), (ushort)(1024 + (i / LanHosts))), 5);

    private static int Fill(int count, Func<int, (uint Source, ushort Port)> source, uint markedId)
    {
        using var socket = new NetlinkSocket();
        var created = 0;
        for (var start = 0; start < count; start += PerSend)
        {
            var n = Math.Min(PerSend, count - start);
            var batch = new byte[n * Entry.Size];
            for (var k = 0; k < n; k++)
            {
                var i = start + k;
                var (address, port) = source(i);
                Entry.Write(batch.AsSpan(k * Entry.Size, Entry.Size), address, 0xC0000201, port, 443,
                    i % 10 == 0 ? markedId : 0, (uint)(start + k + 1));
            }

            // Every message asks for an ACK; count them (an error such as EEXIST throws).
            var acks = 0;
            socket.SendBatch(batch, (replies, _) =>
            {
                acks += CountAcks(replies);
                return acks >= n ? BatchEnd.Done : BatchEnd.More;
            });
            created += n;
        }

        return created;
    }

    private static int CountAcks(ReadOnlySpan<byte> replies)
    {
        var acks = 0;
        while (replies.Length >= 20)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(replies);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(replies[4..]);
            if (type == 2)
            {
                var error = BinaryPrimitives.ReadInt32LittleEndian(replies[16..]);
                if (error != 0)
                {
                    throw new NetlinkException($"conntrack insert failed: errno {-error}", -error);
                }

                acks++;
            }

            var aligned = (length + 3) & ~3;
            replies = aligned >= replies.Length ? [] : replies[aligned..];
        }

        return acks;
    }

    /// <summary>One IPCTNL_MSG_CT_NEW message of fixed layout (attribute lengths below are header + payload).</summary>
    private static class Entry
    {
        // nlmsghdr 16 + nfgenmsg 4 + orig tuple 52 + reply tuple 52 + timeout 8 + status 8 + protoinfo 16 + mark 8
        public const int Size = 16 + 4 + 52 + 52 + 8 + 8 + 16 + 8;

        public static void Write(Span<byte> m, uint source, uint destination, ushort sourcePort, ushort destinationPort, uint mark, uint sequence)
        {
            m.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(m, Size);
            BinaryPrimitives.WriteUInt16LittleEndian(m[4..], (1 << 8) | 0); // IPCTNL_MSG_CT_NEW
            BinaryPrimitives.WriteUInt16LittleEndian(m[6..], 0x1 | 0x4 | 0x400 | 0x200); // REQUEST | ACK | CREATE | EXCL
            BinaryPrimitives.WriteUInt32LittleEndian(m[8..], sequence);
            m[16] = 2; // AF_INET
            var at = 20;
            at = Tuple(m, at, 1, source, destination, sourcePort, destinationPort);
            at = Tuple(m, at, 2, destination, source, destinationPort, sourcePort);
            at = U32(m, at, 7, 3600); // CTA_TIMEOUT
            // CTA_STATUS: SEEN_REPLY | ASSURED, and CONFIRMED, which the kernel sets before it compares (a differing bit is EBUSY).
            at = U32(m, at, 3, 0x2 | 0x4 | 0x8);
            // CTA_PROTOINFO { CTA_PROTOINFO_TCP { CTA_PROTOINFO_TCP_STATE = ESTABLISHED (3) } }
            at = Header(m, at, 16, 4 | 0x8000);
            at = Header(m, at, 12, 1 | 0x8000);
            at = Header(m, at, 5, 1);
            m[at] = 3;
            at += 4;
            U32(m, at, 8, mark); // CTA_MARK
        }

        // CTA_TUPLE_x (52) { CTA_TUPLE_IP (20) { V4_SRC (8), V4_DST (8) }, CTA_TUPLE_PROTO (28) { NUM (8: u8+pad), SRC_PORT (8), DST_PORT (8) } }
        private static int Tuple(Span<byte> m, int at, ushort type, uint source, uint destination, ushort sourcePort, ushort destinationPort)
        {
            at = Header(m, at, 52, (ushort)(type | 0x8000));
            at = Header(m, at, 20, 1 | 0x8000);
            at = U32(m, at, 1, source);
            at = U32(m, at, 2, destination);
            at = Header(m, at, 28, 2 | 0x8000);
            at = Header(m, at, 5, 1);
            m[at] = 6; // tcp
            at += 4;
            at = U16(m, at, 2, sourcePort);
            return U16(m, at, 3, destinationPort);
        }

        private static int Header(Span<byte> m, int at, ushort length, ushort type)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(m[at..], length);
            BinaryPrimitives.WriteUInt16LittleEndian(m[(at + 2)..], type);
            return at + 4;
        }

        private static int U32(Span<byte> m, int at, ushort type, uint value)
        {
            at = Header(m, at, 8, type);
            BinaryPrimitives.WriteUInt32BigEndian(m[at..], value);
            return at + 4;
        }

        private static int U16(Span<byte> m, int at, ushort type, ushort value)
        {
            at = Header(m, at, 6, type);
            BinaryPrimitives.WriteUInt16BigEndian(m[at..], value);
            return at + 4;
        }
    }
}
