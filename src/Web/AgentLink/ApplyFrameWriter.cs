using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// Writes an <see cref="ApplyRequest"/> frame (length header and JSON body, the same bytes as
/// <see cref="AgentProtocol.Serialize(AgentRequest)"/> and <see cref="Framing"/>) straight into one pooled buffer,
/// reusing the JSON of every list item it has written before.
/// </summary>
/// <remarks>
/// The profile (docs/profile.md) showed the web serialising the whole 10k config into a fresh 2 MB array, then copying
/// it into a second one for the frame, on every one-item write. Items are immutable records and the desired-state
/// cache shares unchanged ones between revisions, so an item's JSON is cached per instance (a weak table: it lives
/// exactly as long as some snapshot holds the item) and a changed item is a new instance, serialised afresh. The
/// envelope and the config object are walked through the source-generated metadata in its own property order, so
/// a property added to the records is written here too, byte for byte as the generic path would.
/// </remarks>
internal sealed class ApplyFrameWriter
{
    private static readonly JsonTypeInfo RequestInfo = AgentJsonContext.Default.GetTypeInfo(typeof(ApplyRequest))!;
    private static readonly JsonTypeInfo ConfigInfo = AgentJsonContext.Default.GatewayConfig;
    private static readonly JsonEncodedText Discriminator = JsonEncodedText.Encode(
        AgentJsonContext.Default.AgentRequest.PolymorphismOptions!.TypeDiscriminatorPropertyName);

    private static readonly JsonEncodedText ApplyType = JsonEncodedText.Encode((string)AgentJsonContext.Default.AgentRequest
        .PolymorphismOptions!.DerivedTypes.Single(t => t.DerivedType == typeof(ApplyRequest)).TypeDiscriminator!);

    private readonly ConditionalWeakTable<object, byte[]> _items = new();
    private readonly Lock _lock = new();

    /// <summary>Items whose JSON came from the cache in the last frame (for tests and diagnostics).</summary>
    public int LastReused { get; private set; }

    /// <summary>The whole frame (4-byte big-endian length, then the body) in a pooled buffer; dispose it after sending.</summary>
    /// <exception cref="InvalidDataException">The body exceeds <see cref="Framing.MaxFrameBytes"/>.</exception>
    public Frame Write(ApplyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new PooledBuffer(64 * 1024);
        try
        {
            buffer.Advance(4); // the length, filled in below
            lock (_lock)
            {
                LastReused = 0;
                using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = AgentJsonContext.Default.Options.Encoder });
                writer.WriteStartObject();
                writer.WriteString(Discriminator, ApplyType);
                foreach (var property in RequestInfo.Properties)
                {
                    var value = property.Get!(request);
                    writer.WritePropertyName(property.Name);
                    if (value is GatewayConfig config)
                    {
                        WriteConfig(writer, config);
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, AgentJsonContext.Default.GetTypeInfo(property.PropertyType)!);
                    }
                }

                writer.WriteEndObject();
                writer.Flush();
            }

            var length = buffer.WrittenCount - 4;
            if (length > Framing.MaxFrameBytes)
            {
                throw new InvalidDataException($"Frame of {length} bytes exceeds {Framing.MaxFrameBytes}.");
            }

            BinaryPrimitives.WriteInt32BigEndian(buffer.Array, length);
            return new Frame(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private void WriteConfig(Utf8JsonWriter writer, GatewayConfig config)
    {
        writer.WriteStartObject();
        foreach (var property in ConfigInfo.Properties)
        {
            var value = property.Get!(config);
            writer.WritePropertyName(property.Name);
            if (value is IList list && property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var item = AgentJsonContext.Default.GetTypeInfo(property.PropertyType.GetGenericArguments()[0])!;
                writer.WriteStartArray();
                foreach (var element in list)
                {
                    writer.WriteRawValue(ItemJson(element!, item), skipInputValidation: true);
                }

                writer.WriteEndArray();
            }
            else
            {
                JsonSerializer.Serialize(writer, value, AgentJsonContext.Default.GetTypeInfo(property.PropertyType)!);
            }
        }

        writer.WriteEndObject();
    }

    private byte[] ItemJson(object item, JsonTypeInfo info)
    {
        if (_items.TryGetValue(item, out var json))
        {
            LastReused++;
            return json;
        }

        json = JsonSerializer.SerializeToUtf8Bytes(item, info);
        _items.AddOrUpdate(item, json);
        return json;
    }

    /// <summary>A written frame; <see cref="Memory"/> is valid until disposed.</summary>
    public sealed class Frame(PooledBuffer buffer) : IDisposable
    {
        public ReadOnlyMemory<byte> Memory => buffer.WrittenMemory;

        public void Dispose() => buffer.Dispose();
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> over arrays from the shared pool, grown by doubling.</summary>
    public sealed class PooledBuffer(int initial) : IBufferWriter<byte>, IDisposable
    {
        private byte[]? _array = ArrayPool<byte>.Shared.Rent(initial);

        public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));

        public int WrittenCount { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => Array.AsMemory(0, WrittenCount);

        public void Advance(int count) => WrittenCount += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Array.AsMemory(WrittenCount);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Array.AsSpan(WrittenCount);
        }

        private void Ensure(int sizeHint)
        {
            var need = WrittenCount + Math.Max(sizeHint, 1);
            if (need <= Array.Length)
            {
                return;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, Array.Length * 2));
            Array.AsSpan(0, WrittenCount).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(Array);
            _array = bigger;
        }

        public void Dispose()
        {
            if (_array is { } array)
            {
                _array = null;
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
