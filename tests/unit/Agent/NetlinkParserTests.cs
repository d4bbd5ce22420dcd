using System.Buffers.Binary;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;

namespace Gateway.Tests.Unit.Agent;

public sealed class NetlinkParserTests
{
    /// <summary>
    /// Data/conntrack-dump.bin: one real recv() of an IPCTNL_MSG_CT_GET dump (seq 1) from a namespace holding
    /// tcp 10.0.0.1:1000→:80 mark 5, tcp 10.0.0.1:1001→:80 mark 5, udp 10.0.0.3:5353→:53 mark 7,
    /// icmp echo id 42, tcp 10.0.0.4:2000→:22 (no mark), then NLMSG_DONE. Inserted with conntrack -I.
    /// </summary>
    private static byte[] CapturedDump() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Agent", "Data", "conntrack-dump.bin"));

    [Fact]
    public void A_captured_dump_is_tallied_by_protocol_and_mark()
    {
        var tally = new ConntrackTally();

        var end = NetlinkMessages.ParseDump(CapturedDump(), 1, tally);

        Assert.Equal(BatchEnd.Done, end);
        Assert.Equal(5, tally.Total);
        Assert.Equal(3, tally.Tcp);
        Assert.Equal(1, tally.Udp);
        Assert.Equal(1, tally.Icmp);
        Assert.Equal(0, tally.Other);
        Assert.Equal(2, tally.ByMark[5]);
        Assert.Equal(1, tally.ByMark[7]);
        Assert.Equal(2, tally.ByMark.Count);

        // Every captured entry is IPv4 (nfgenmsg family AF_INET).
        var families = tally.ByFamily();
        Assert.Equal(["ipv4", "ipv6"], families.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(tally.ByProtocol(), families["ipv4"]);
        Assert.All(families["ipv6"].Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public void Entries_are_split_by_family_and_the_families_sum_to_the_protocol_totals()
    {
        var tally = new ConntrackTally();
        tally.Add(2, 6, 0);
        tally.Add(10, 6, 0);
        tally.Add(10, 58, 3);
        tally.Add(7, 17, 0); // a family neither IPv4 nor IPv6

        var families = tally.ByFamily();

        Assert.Equal(1, families["ipv4"]["tcp"]);
        Assert.Equal(1, families["ipv6"]["tcp"]);
        Assert.Equal(1, families["ipv6"]["icmp"]);
        Assert.Equal(1, families["other"]["udp"]);
        Assert.Equal(2, tally.Tcp);
        Assert.Equal(4, tally.Total);
        Assert.Equal(1, tally.ByMark[3]);

        tally.Clear();
        Assert.Equal(["ipv4", "ipv6"], tally.ByFamily().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, tally.Tcp);
    }

    [Fact]
    public void Replies_to_another_sequence_number_are_ignored()
    {
        var tally = new ConntrackTally();

        var end = NetlinkMessages.ParseDump(CapturedDump(), 99, tally);

        Assert.Equal(BatchEnd.More, end);
        Assert.Equal(0, tally.Total);
    }

    [Fact]
    public void Every_truncation_of_the_captured_dump_fails_cleanly_or_counts_whole_messages()
    {
        var dump = CapturedDump();
        for (var length = 0; length < dump.Length; length++)
        {
            var tally = new ConntrackTally();
            try
            {
                NetlinkMessages.ParseDump(dump.AsSpan(0, length), 1, tally);
                Assert.True(tally.Total <= 5);
            }
            catch (InvalidDataException)
            {
                // Expected for cuts inside a message.
            }
        }
    }

    [Fact]
    public void Nested_and_byte_order_flags_are_masked_off_the_attribute_type()
    {
        // CTA_TUPLE_ORIG with NLA_F_NESTED (0x8001) > CTA_TUPLE_PROTO with NLA_F_NESTED (0x8002) > CTA_PROTO_NUM u8 47 (GRE),
        // then CTA_MARK flagged NLA_F_NET_BYTEORDER (0x4008) be32 9.
        var entry = Attr(0x8001, Attr(0x8002, Attr(1, [47]))).Concat(Attr(0x4008, Be32(9))).ToArray();

        NetlinkMessages.ParseEntry(entry, out var protocol, out var mark);

        Assert.Equal(47, protocol);
        Assert.Equal(9u, mark);
    }

    [Fact]
    public void A_hand_built_dump_counts_other_protocols_and_ends_at_done()
    {
        var gre = Attr(1, Attr(2, Attr(1, [47])));
        var sctp = Attr(1, Attr(2, Attr(1, [132]))).Concat(Attr(8, Be32(3))).ToArray();
        var batch = Message(0x0100, 0x2, 4, Nfgen().Concat(gre).ToArray())
            .Concat(Message(0x0100, 0x2, 4, Nfgen().Concat(sctp).ToArray()))
            .Concat(Message(3, 0x2, 4, new byte[4]))
            .ToArray();
        var tally = new ConntrackTally();

        var end = NetlinkMessages.ParseDump(batch, 4, tally);

        Assert.Equal(BatchEnd.Done, end);
        Assert.Equal(2, tally.Other);
        Assert.Equal(1, tally.ByMark[3]);
    }

    [Fact]
    public void An_attribute_length_under_the_header_size_is_rejected()
    {
        // nla_len = 2 (< 4) would make a naive reader loop forever or read backwards.
        byte[] entry = [2, 0, 8, 0, 0, 0, 0, 0];

        Assert.Throws<InvalidDataException>(() => NetlinkMessages.ParseEntry(entry, out _, out _));
    }

    [Fact]
    public void An_attribute_longer_than_its_buffer_is_rejected()
    {
        byte[] entry = [40, 0, 8, 0, 0, 0, 0, 5];

        Assert.Throws<InvalidDataException>(() => NetlinkMessages.ParseEntry(entry, out _, out _));
    }

    [Fact]
    public void A_short_mark_payload_is_rejected()
    {
        byte[] entry = [6, 0, 8, 0, 0, 5, 0, 0];

        Assert.Throws<InvalidDataException>(() => NetlinkMessages.ParseEntry(entry, out _, out _));
    }

    [Fact]
    public void A_netlink_error_message_becomes_an_exception_with_the_errno()
    {
        // NLMSG_ERROR: s32 error = -EPERM (-1), then the original header (16 bytes).
        var body = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(body, -1);
        var batch = Message(2, 0, 8, body);

        var ex = Assert.Throws<NetlinkException>(() => NetlinkMessages.ParseDump(batch, 8, new ConntrackTally()));
        Assert.Equal(1, ex.Errno);
    }

    [Fact]
    public void An_ack_ends_a_request()
    {
        var batch = Message(2, 0, 8, new byte[20]);

        Assert.Equal(BatchEnd.Done, NetlinkMessages.ParseDump(batch, 8, new ConntrackTally()));
    }

    [Fact]
    public void An_interrupted_dump_is_reported_not_counted_silently()
    {
        var batch = Message(0x0100, 0x2 | 0x10, 4, Nfgen());

        Assert.Throws<NetlinkException>(() => NetlinkMessages.ParseDump(batch, 4, new ConntrackTally()));
    }

    [Fact]
    public void The_stats_reply_gives_the_global_entry_count()
    {
        var payload = Nfgen().Concat(Attr(1, Be32(30000))).Concat(Attr(2, Be32(262144))).ToArray();
        var batch = Message(0x0105, 0, 6, payload);

        var end = NetlinkMessages.ParseStats(batch, 6, out var entries, out var max);

        Assert.Equal(BatchEnd.Done, end);
        Assert.Equal(30000, entries);
        Assert.Equal(262144, max);
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_invalid_data()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            try
            {
                NetlinkMessages.ParseEntry(bytes, out _, out _);
                NetlinkMessages.ParseDump(bytes, BinaryPrimitives.ReadUInt32LittleEndian(bytes.Length >= 12 ? bytes.AsSpan(8) : new byte[4]), new ConntrackTally());
            }
            catch (InvalidDataException)
            {
            }
            catch (NetlinkException)
            {
            }
        }
    }

    // struct nlattr: u16 len (host order, header included), u16 type, payload, pad to 4.
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

    // struct nfgenmsg: u8 family (AF_INET), u8 version 0, be16 res_id 0.
    private static byte[] Nfgen() => [2, 0, 0, 0];

    // struct nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid (all host order), then the body.
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
