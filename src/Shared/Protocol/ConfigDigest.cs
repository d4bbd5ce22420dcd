using System.IO.Hashing;
using System.Text.Json;
using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>
/// Names one desired state: the lower-case hex XxHash128 of the <c>config</c> JSON of an <c>apply</c> frame, byte for
/// byte as it crossed the socket. Not a cryptographic hash on purpose: only processes allowed on the agent's socket
/// (root and the web) can apply, so it tells states apart rather than defending against a forger, and it keeps
/// OpenSSL out of the agent. The agent computes it; the web only compares digests the agent reported, so a
/// revision number another client reused can't pass for the web's own state.
/// </summary>
public static class ConfigDigest
{
    /// <summary>The digest of a config the agent holds without its frame (restored at start): its JSON as the web writes it.</summary>
    public static string Of(GatewayConfig config) =>
        OfJson(JsonSerializer.SerializeToUtf8Bytes(config, AgentJsonContext.Default.GatewayConfig));

    public static string OfJson(ReadOnlySpan<byte> configJson) => Convert.ToHexStringLower(XxHash128.Hash(configJson));

    /// <summary>
    /// The digest of the config an <c>apply-delta</c> frame made: chained, the XxHash128 of the base config's digest
    /// (its text) followed by the frame's <c>changes</c> JSON as it crossed the socket, so the agent names the new
    /// state without serialising the whole config. Null when the body has no <c>changes</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is not a JSON object.</exception>
    public static string? OfDeltaFrame(string baseDigest, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(baseDigest);
        if (TopLevelValue(body, "changes"u8) is not { } range)
        {
            return null;
        }

        var hash = new XxHash128();
        hash.Append(System.Text.Encoding.UTF8.GetBytes(baseDigest));
        hash.Append(body[range]);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>The digest of the top-level <c>config</c> value of an apply frame's body, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The body is not a JSON object.</exception>
    public static string? OfApplyFrame(ReadOnlySpan<byte> body) =>
        TopLevelValue(body, "config"u8) is { } range ? OfJson(body[range]) : null;

    private static Range? TopLevelValue(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException("An apply frame is a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isWanted = reader.ValueTextEquals(name);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (isWanted)
                {
                    return start..(int)reader.BytesConsumed;
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Malformed frame: {ex.Message}", ex);
        }
    }
}
