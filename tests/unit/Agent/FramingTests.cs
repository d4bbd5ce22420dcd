using System.Buffers.Binary;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class FramingTests
{
    [Fact]
    public async Task Random_bodies_round_trip_back_to_back()
    {
        var random = new Random(42);
        var bodies = Enumerable.Range(0, 50).Select(_ =>
        {
            var body = new byte[random.Next(0, 5000)];
            random.NextBytes(body);
            return body;
        }).ToList();
        using var stream = new MemoryStream();
        foreach (var body in bodies)
        {
            await Framing.WriteAsync(stream, body);
        }

        stream.Position = 0;
        foreach (var body in bodies)
        {
            Assert.Equal(body, await Framing.ReadAsync(stream));
        }

        Assert.Null(await Framing.ReadAsync(stream));
    }

    [Fact]
    public async Task Every_truncation_of_a_frame_is_invalid_data_except_the_empty_stream()
    {
        using var whole = new MemoryStream();
        await Framing.WriteAsync(whole, AgentProtocol.Serialize(new HelloRequest(1)));
        var bytes = whole.ToArray();

        Assert.Null(await Framing.ReadAsync(new MemoryStream(bytes, 0, 0)));
        for (var length = 1; length < bytes.Length; length++)
        {
            using var cut = new MemoryStream(bytes, 0, length);
            await Assert.ThrowsAsync<InvalidDataException>(async () => await Framing.ReadAsync(cut));
        }
    }

    [Fact]
    public async Task A_length_over_16_MiB_is_refused_before_reading_the_body()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, Framing.MaxFrameBytes + 1u);
        using var stream = new MemoryStream(header);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await Framing.ReadAsync(stream));
    }

    [Fact]
    public async Task Writing_an_oversized_body_is_refused()
    {
        using var stream = new MemoryStream();

        await Assert.ThrowsAsync<InvalidDataException>(async () => await Framing.WriteAsync(stream, new byte[Framing.MaxFrameBytes + 1]));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task Random_streams_only_ever_yield_frames_or_invalid_data()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4 && random.Next(2) == 0)
            {
                // Half the time make the length plausible so bodies get parsed too.
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)random.Next(0, bytes.Length));
            }

            using var stream = new MemoryStream(bytes);
            try
            {
                while (await Framing.ReadAsync(stream) is { } body)
                {
                    try
                    {
                        AgentProtocol.DeserializeRequest(body);
                    }
                    catch (InvalidDataException)
                    {
                    }
                }
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
