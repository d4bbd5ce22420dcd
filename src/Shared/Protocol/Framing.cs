using System.Buffers.Binary;

namespace Gateway.Shared.Protocol;

/// <summary>
/// Socket framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
/// Frames larger than <see cref="MaxFrameBytes"/> are refused; the caller closes the connection.
/// </summary>
public static class Framing
{
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (body.Length > MaxFrameBytes)
        {
            throw new InvalidDataException($"Frame of {body.Length} bytes exceeds {MaxFrameBytes}.");
        }

        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame.AsMemory(4));
        // One write per frame so concurrent writers serialised by the caller never interleave halves.
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one frame body; null when the peer closed cleanly between frames.</summary>
    /// <exception cref="InvalidDataException">Oversized length, or the stream ended inside a frame.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var header = new byte[4];
        var read = await ReadFullyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < 4)
        {
            throw new InvalidDataException("Connection closed inside a frame header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxFrameBytes)
        {
            throw new InvalidDataException($"Frame of {length} bytes exceeds {MaxFrameBytes}.");
        }

        var body = new byte[length];
        if (await ReadFullyAsync(stream, body, cancellationToken).ConfigureAwait(false) < length)
        {
            throw new InvalidDataException("Connection closed inside a frame body.");
        }

        return body;
    }

    private static async ValueTask<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
