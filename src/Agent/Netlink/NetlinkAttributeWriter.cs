using System.Buffers.Binary;
using System.Text;

namespace Gateway.Agent.Netlink;

/// <summary>
/// Builds a message body: an optional fixed family header, then attributes in the layout
/// <see cref="NetlinkAttributeReader"/> reads (u16 length, u16 type, payload, padding to 4). Nested attributes are
/// opened with <see cref="BeginNested"/> and closed with <see cref="EndNested"/>, which writes their final length.
/// Integers are written in the byte order the family wants: host order for rtnetlink, big-endian for nfnetlink.
/// </summary>
public sealed class NetlinkAttributeWriter
{
    private byte[] _buffer;
    private int _length;

    public NetlinkAttributeWriter(int capacity = 64) => _buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Appends a fixed header (nfgenmsg, rtmsg, …), padded to 4 bytes.</summary>
    public NetlinkAttributeWriter Header(ReadOnlySpan<byte> header)
    {
        header.CopyTo(Grow(NetlinkAttributeReader.Align(header.Length)));
        return this;
    }

    /// <summary>Appends a 4-byte nfgenmsg: <paramref name="family"/>, version 0, resource id 0.</summary>
    public NetlinkAttributeWriter NfgenHeader(byte family) => Header([family, Nl.NfnetlinkV0, 0, 0]);

    public NetlinkAttributeWriter Bytes(ushort type, ReadOnlySpan<byte> payload)
    {
        var length = NetlinkAttributeReader.HeaderSize + payload.Length;
        var span = Grow(NetlinkAttributeReader.Align(length));
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        payload.CopyTo(span[NetlinkAttributeReader.HeaderSize..]);
        return this;
    }

    public NetlinkAttributeWriter U8(ushort type, byte value) => Bytes(type, [value]);

    public NetlinkAttributeWriter U16BigEndian(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return Bytes(type, bytes);
    }

    /// <summary>A u32 in host order (rtnetlink).</summary>
    public NetlinkAttributeWriter U32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Bytes(type, bytes);
    }

    /// <summary>A u32 in network order (nfnetlink).</summary>
    public NetlinkAttributeWriter U32BigEndian(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return Bytes(type, bytes);
    }

    public NetlinkAttributeWriter U64BigEndian(ushort type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Bytes(type, bytes);
    }

    /// <summary>A NUL-terminated UTF-8 string (NLA_NUL_STRING / NLA_STRING).</summary>
    public NetlinkAttributeWriter String(ushort type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Bytes(type, Encoding.UTF8.GetBytes(value + "\0"));
    }

    /// <summary>Opens a nested attribute (NLA_F_NESTED set); returns the mark <see cref="EndNested"/> takes.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        var span = Grow(NetlinkAttributeReader.HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(type | NetlinkAttributeReader.NestedFlag));
        return start;
    }

    /// <summary>Closes the nested attribute opened at <paramref name="mark"/>, writing its length.</summary>
    public void EndNested(int mark)
    {
        if (mark < 0 || mark > _length - NetlinkAttributeReader.HeaderSize)
        {
            throw new ArgumentOutOfRangeException(nameof(mark));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(mark), (ushort)(_length - mark));
    }

    public byte[] ToArray() => Written.ToArray();

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }
}
