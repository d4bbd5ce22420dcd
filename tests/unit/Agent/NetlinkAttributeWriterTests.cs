using System.Buffers.Binary;
using Gateway.Agent.Netlink;

namespace Gateway.Tests.Unit.Agent;

public sealed class NetlinkAttributeWriterTests
{
    [Fact]
    public void Nested_attributes_read_back_with_their_lengths_padding_and_byte_order()
    {
        var writer = new NetlinkAttributeWriter(4).NfgenHeader(2);
        var tuple = writer.BeginNested(1);
        var ip = writer.BeginNested(1);
        writer.Bytes(1, [10, 0, 0, 1]);
        writer.EndNested(ip);
        var proto = writer.BeginNested(2);
        writer.U8(1, 6).U16BigEndian(2, 443);
        writer.EndNested(proto);
        writer.EndNested(tuple);
        writer.U32BigEndian(8, 0x0100_0005).String(3, "gw").U32(9, 7);

        var bytes = writer.ToArray();
        Assert.Equal(2, bytes[0]);
        Assert.Equal(0, bytes.Length % 4);
        var top = new NetlinkAttributeReader(bytes.AsSpan(4));
        Assert.True(top.Next());
        Assert.Equal(1, top.Type);
        // The nested flag is on the wire, masked off by the reader.
        Assert.Equal(0x8001, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        var inner = top.Nested();
        Assert.True(inner.Next());
        var address = inner.Nested();
        Assert.True(address.Next());
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, address.Payload.ToArray());
        Assert.True(inner.Next());
        var ports = inner.Nested();
        Assert.True(ports.Next());
        Assert.Equal(6, ports.ReadU8());
        Assert.True(ports.Next());
        Assert.Equal(443, BinaryPrimitives.ReadUInt16BigEndian(ports.Payload));
        Assert.False(ports.Next());
        Assert.False(inner.Next());
        Assert.True(top.Next());
        Assert.Equal(0x0100_0005u, top.ReadU32BigEndian());
        Assert.True(top.Next());
        Assert.Equal("gw\0", System.Text.Encoding.UTF8.GetString(top.Payload));
        Assert.True(top.Next());
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(top.Payload));
        Assert.False(top.Next());
    }

    [Fact]
    public void An_interrupted_dump_and_a_kernel_error_are_one_exception_type_with_the_errno()
    {
        var message = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(message, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 3);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), -2);
        var error = Assert.Throws<NetlinkException>(() => NetlinkWalk.WalkNfnetlink(message, 3, (_, _, _) => { }));
        Assert.Equal(Errno.ENoEnt, error.Errno);
        Assert.Contains("ENOENT", error.Message, StringComparison.Ordinal);

        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), 0x10);
        var interrupted = Assert.Throws<NetlinkException>(() => NetlinkWalk.Walk(message, 3, "rtnetlink", (_, _, _) => false));
        Assert.Equal(Errno.EIntr, interrupted.Errno);
    }
}
