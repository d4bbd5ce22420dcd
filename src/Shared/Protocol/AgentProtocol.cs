using System.Text.Json;

namespace Gateway.Shared.Protocol;

/// <summary>Protocol constants and (de)serialisation of frames' JSON bodies.</summary>
public static class AgentProtocol
{
    /// <summary>Version sent in <c>hello</c>; bumped on incompatible frame changes and on frames an older peer would not know.</summary>
    public const int Version = 2;

    /// <summary>The first version whose agent knows <c>apply-delta</c>: the web sends one only to such an agent.</summary>
    public const int DeltaVersion = 2;

    public static byte[] Serialize(AgentRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request, AgentJsonContext.Default.AgentRequest);

    public static byte[] Serialize(AgentEvent agentEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(agentEvent, AgentJsonContext.Default.AgentEvent);

    /// <exception cref="InvalidDataException">The body is not a known, well-formed request.</exception>
    public static AgentRequest DeserializeRequest(ReadOnlySpan<byte> body) =>
        Deserialize(body, static b => JsonSerializer.Deserialize(b, AgentJsonContext.Default.AgentRequest));

    /// <exception cref="InvalidDataException">The body is not a known, well-formed event.</exception>
    public static AgentEvent DeserializeEvent(ReadOnlySpan<byte> body) =>
        Deserialize(body, static b => JsonSerializer.Deserialize(b, AgentJsonContext.Default.AgentEvent));

    private delegate T? Reader<T>(ReadOnlySpan<byte> body);

    private static T Deserialize<T>(ReadOnlySpan<byte> body, Reader<T> read)
        where T : class
    {
        try
        {
            return read(body) ?? throw new InvalidDataException("Frame body is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Malformed frame: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            // Unknown or missing "type" discriminator on an abstract base.
            throw new InvalidDataException($"Unknown frame: {ex.Message}", ex);
        }
    }
}
