using System.Buffers.Binary;
using System.IO.Pipelines;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Shared;

/// <summary>What a peer can make a reader hold: buffers grow with the bytes that came, a stalled frame is cut.</summary>
public sealed class FramingLimitsTests
{
    /// <summary>Delivers a header declaring 16 MiB, then <c>delivered</c> bytes of body, then ends; records the largest buffer it was asked to fill.</summary>
    private sealed class ShortBodyStream(int delivered) : Stream
    {
        private readonly byte[] _header = Header(Framing.MaxFrameBytes);
        private int _position;

        public int LargestCapacity { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var total = _header.Length + delivered;
            if (_position >= total)
            {
                return 0;
            }

            if (_position >= _header.Length)
            {
                LargestCapacity = Math.Max(LargestCapacity, buffer.Length);
            }

            var n = Math.Min(buffer.Length, Math.Min(total - _position, 4096));
            for (var i = 0; i < n; i++)
            {
                buffer[i] = _position + i < _header.Length ? _header[_position + i] : (byte)'x';
            }

            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] Header(int length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        return header;
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(300 * 1024)]
    public async Task A_declared_16_MiB_frame_holds_about_what_arrived_not_what_was_declared(int delivered)
    {
        var stream = new ShortBodyStream(delivered);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await Framing.ReadAsync(stream));

        // The buffer doubles from 64 KiB as bytes arrive: never more than twice what came, plus the first 64 KiB.
        Assert.InRange(stream.LargestCapacity, 1, (2 * delivered) + (64 * 1024));
    }

    [Fact]
    public async Task A_frame_stalled_after_its_first_byte_times_out_as_invalid_data()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Header(100));
        await pipe.Writer.WriteAsync(new byte[10]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await Framing.ReadAsync(pipe.Reader.AsStream(), TimeSpan.FromMilliseconds(200), CancellationToken.None));
        Assert.Contains("not completed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_a_frame_to_begin_is_not_limited()
    {
        var pipe = new Pipe();
        var read = Framing.ReadAsync(pipe.Reader.AsStream(), TimeSpan.FromMilliseconds(100), CancellationToken.None).AsTask();

        await Task.Delay(500);
        Assert.False(read.IsCompleted);
        await pipe.Writer.WriteAsync((byte[])[.. Header(3), .. "abc"u8.ToArray()]);

        Assert.Equal("abc"u8.ToArray(), await read.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void The_digest_of_an_apply_frames_config_is_the_digest_of_the_config()
    {
        var config = new GatewayConfig(
            new NetworkSettings("ppp*", "br-lan", "192.168.1.1/24"),
            [new PortForward(3, "Ünïcode \"name\"", true, ForwardProtocol.Both, 8000, 8010, "192.168.1.20", 9000, "203.0.113.0/24")],
            [new MacFilter(1, "aa:bb:cc:dd:ee:ff", "phone")],
            new MacPolicy(MacFilterMode.DenyListed),
            LoggingPolicy.Default);
        var body = AgentProtocol.Serialize(new ApplyRequest(12, config) { Id = 4 });

        Assert.Equal(ConfigDigest.Of(config), ConfigDigest.OfApplyFrame(body));
        Assert.Equal(ConfigDigest.Of(config), ConfigDigest.Of(((ApplyRequest)AgentProtocol.DeserializeRequest(body)).Config));
        Assert.NotEqual(ConfigDigest.Of(config), ConfigDigest.Of(config with { MacPolicy = new MacPolicy(MacFilterMode.Off) }));
        Assert.Null(ConfigDigest.OfApplyFrame("{\"type\":\"apply\",\"revision\":1}"u8));
    }
}
