using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Agent.Netlink;

/// <summary>
/// Walks the netlink attributes packed in a span, slicing as it goes. Wire format of one attribute:
/// <code>
///   u16 nla_len   (host order; header + payload, without the padding)
///   u16 nla_type  (host order; top bits are flags: NLA_F_NESTED 0x8000, NLA_F_NET_BYTEORDER 0x4000)
///   payload       (nla_len - 4 bytes)
///   padding       (to the next multiple of 4)
/// </code>
/// Every read is bounds-checked; a length under the header size or past the end throws.
/// </summary>
public ref struct NetlinkAttributeReader
{
    public const int HeaderSize = 4;
    /// <summary>NLA_F_NESTED: set on the type of an attribute that holds attributes.</summary>
    public const ushort NestedFlag = 0x8000;
    private const ushort NetByteOrderFlag = 0x4000;

    private ReadOnlySpan<byte> _remaining;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _remaining = attributes;

    /// <summary>The type of the current attribute with the flag bits masked off.</summary>
    public ushort Type { get; private set; }

    /// <summary>The current attribute's payload.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }

    /// <summary>Advances to the next attribute; false at the end of the span.</summary>
    public bool Next()
    {
        if (_remaining.IsEmpty)
        {
            return false;
        }

        if (_remaining.Length < HeaderSize)
        {
            ThrowMalformed("attribute header truncated");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_remaining);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(_remaining[2..]);
        if (length < HeaderSize || length > _remaining.Length)
        {
            ThrowMalformed($"attribute length {length} outside 4..{_remaining.Length}");
        }

        Type = (ushort)(type & ~(NestedFlag | NetByteOrderFlag));
        Payload = _remaining[HeaderSize..length];
        var aligned = Align(length);
        _remaining = aligned >= _remaining.Length ? [] : _remaining[aligned..];
        return true;
    }

    /// <summary>A reader over the current attribute's payload, for nested attributes.</summary>
    public readonly NetlinkAttributeReader Nested() => new(Payload);

    public readonly byte ReadU8()
    {
        if (Payload.Length < 1)
        {
            ThrowMalformed("u8 attribute too short");
        }

        return Payload[0];
    }

    /// <summary>conntrack payloads are big-endian (network order).</summary>
    public readonly uint ReadU32BigEndian()
    {
        if (Payload.Length < 4)
        {
            ThrowMalformed("u32 attribute too short");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(Payload);
    }

    public static int Align(int length) => (length + 3) & ~3;

    [DoesNotReturn]
    internal static void ThrowMalformed(string what) => throw new InvalidDataException($"Malformed netlink data: {what}.");
}
