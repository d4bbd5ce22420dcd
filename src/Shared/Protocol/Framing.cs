using System.Buffers.Binary;

namespace Gateway.Shared.Protocol;

/// <summary>
/// Socket framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
/// Frames larger than <see cref="MaxFrameBytes"/> are refused; the caller closes the connection.
/// </summary>
public static class Framing
{
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    private const int InitialBodyBytes = 64 * 1024;

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
    public static ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Reads one frame body; null when the peer closed cleanly between frames. The wait for a frame's first byte is
    /// unbounded (a client may stay idle between frames); from that byte on, the whole frame must arrive within
    /// <paramref name="frameTimeout"/>. The body buffer grows with the bytes that arrived rather than being sized by
    /// the declared length up front, so a peer that announces 16 MiB and sends little holds little.
    /// </summary>
    /// <exception cref="InvalidDataException">Oversized length, the stream ended inside a frame, or the frame timed out.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var first = await stream.ReadAsync(header, cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        using var deadline = frameTimeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline?.CancelAfter(frameTimeout);
        var token = deadline?.Token ?? cancellationToken;
        try
        {
            if (first < 4 && await ReadFullyAsync(stream, header.AsMemory(first), token).ConfigureAwait(false) < 4 - first)
            {
                throw new InvalidDataException("Connection closed inside a frame header.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > MaxFrameBytes)
            {
                throw new InvalidDataException($"Frame of {length} bytes exceeds {MaxFrameBytes}.");
            }

            return await ReadBodyAsync(stream, (int)length, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidDataException($"A frame was not completed within {frameTimeout.TotalSeconds:0.#} s of its first byte.");
        }
    }

    private static async ValueTask<byte[]> ReadBodyAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        // Doubling up to exactly the declared length: at most twice what arrived, and no copy once complete.
        var body = new byte[Math.Min(length, InitialBodyBytes)];
        var filled = 0;
        while (filled < length)
        {
            if (filled == body.Length)
            {
                Array.Resize(ref body, (int)Math.Min(body.Length * 2L, length));
            }

            var n = await stream.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new InvalidDataException("Connection closed inside a frame body.");
            }

            filled += n;
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
