using System.Buffers.Binary;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The parser of the kernel's conntrack counters (IPCTNL_MSG_CT_GET_STATS_CPU); the real table is checked in tests/kernel.</summary>
public sealed class ConntrackStatsTests
{
    [Fact]
    public void The_per_cpu_counters_are_summed_by_name_and_unknown_ones_skipped()
    {
        // Two CPUs (res_id 0 and 1), then NLMSG_DONE. Type 1 (searched) is no longer filled by kernels: skipped.
        var cpu0 = Message(0x0104, 0x2, 9, [.. Nfgen(0), .. Attr(1, Be32(100)), .. Attr(2, Be32(3)), .. Attr(4, Be32(1)), .. Attr(10, Be32(2)), .. Attr(15, Be32(7))]);
        var cpu1 = Message(0x0104, 0x2, 9, [.. Nfgen(1), .. Attr(2, Be32(4)), .. Attr(8, Be32(11)), .. Attr(9, Be32(1)), .. Attr(14, Be32(5))]);
        var done = Message(3, 0x2, 9, [0, 0, 0, 0]);
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);

        Assert.Equal(BatchEnd.More, NetlinkMessages.ParseCpuStats([.. cpu0, .. cpu1], 9, sums));
        Assert.Equal(BatchEnd.Done, NetlinkMessages.ParseCpuStats(done, 9, sums));

        Assert.Equal(7, sums["found"]);
        Assert.Equal(1, sums["invalid"]);
        Assert.Equal(11, sums["insert"]);
        Assert.Equal(1, sums["insert_failed"]);
        Assert.Equal(2, sums["drop"]);
        Assert.Equal(5, sums["clash_resolve"]);
        Assert.Equal(7, sums["chaintoolong"]);
        Assert.Equal(7, sums.Count);
    }

    [Fact]
    public void A_short_counter_is_invalid_data_not_a_wrong_number()
    {
        var message = Message(0x0104, 0x2, 9, [.. Nfgen(0), .. Attr(2, [0, 1])]);

        Assert.Throws<InvalidDataException>(() => NetlinkMessages.ParseCpuStats(message, 9, []));
    }

    private static byte[] Attr(ushort type, byte[] payload)
    {
        var length = 4 + payload.Length;
        var bytes = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        payload.CopyTo(bytes, 4);
        return bytes;
    }

    private static byte[] Be32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    // struct nfgenmsg: family AF_UNSPEC, version 0, be16 res_id = the CPU.
    private static byte[] Nfgen(ushort cpu) => [0, 0, (byte)(cpu >> 8), (byte)cpu];

    private static byte[] Message(ushort type, ushort flags, uint sequence, byte[] body)
    {
        var bytes = new byte[16 + ((body.Length + 3) & ~3)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(16 + body.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        body.CopyTo(bytes, 16);
        return bytes;
    }
}
