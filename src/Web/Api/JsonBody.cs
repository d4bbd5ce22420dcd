using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>A request body read as JSON, or the 400 that says which field was wrong.</summary>
/// <param name="Oversized">The body was over the limit (a route that answers 413 for that reads it here).</param>
internal readonly record struct Body<T>(T? Value, ValidationProblem? Problem, bool Oversized = false)
    where T : class;

/// <summary>
/// Reads request bodies ourselves instead of minimal-API binding, so every malformed body — bad JSON,
/// wrong types, numbers as strings, duplicate keys, too large — becomes a 400 whose <c>errors</c> map
/// names the field (from <see cref="JsonException.Path"/>), never a 500 or an empty 400.
/// </summary>
internal static class JsonBody
{
    public const int ItemLimit = 1024 * 1024;
    public const int ConfigLimit = 16 * 1024 * 1024;

    /// <summary>Strict reading: no numbers from strings, no integer enums, no duplicate properties.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
        Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
    };

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, int limit, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return Fail<T>("body", "Send a JSON body with Content-Type: application/json.");
        }

        if (request.ContentLength > limit)
        {
            return TooLarge<T>(limit);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }

        byte[] bytes;
        try
        {
            bytes = await ReadCappedAsync(request.Body, limit, ct);
        }
        catch (BadHttpRequestException)
        {
            return TooLarge<T>(limit);
        }

        if (bytes.Length > limit)
        {
            return TooLarge<T>(limit);
        }

        return Parse<T>(bytes);
    }

    /// <summary>
    /// Bytes → <typeparamref name="T"/> with <see cref="Options"/>, or the 400 naming the field. The panel's restore
    /// reads a backup file through this too, so the panel and REST accept exactly the same files.
    /// </summary>
    public static Body<T> Parse<T>(byte[] bytes)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, Options);
            return value is null ? Fail<T>("body", "A JSON object is required.") : new Body<T>(value, null);
        }
        catch (JsonException ex)
        {
            // A restore item's reader leaves the item's path to the serializer and carries the part inside the item.
            var field = FieldOf(ex is ConfigItemJsonException item && ex.Path is not null ? ex.Path + item.Tail : ex.Path);
            return Fail<T>(field, field == "body" ? "Malformed JSON, or not the expected object." : "Wrong type or malformed value.");
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            return Fail<T>("body", "The body could not be read as the expected object.");
        }
    }

    /// <summary>"$.portForwards[2].ExternalPort" → "portForwards[2].externalPort"; "$" or null → "body".</summary>
    internal static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var text = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var result = new StringBuilder(text.Length);
        var segmentStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '[' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                // Bracketed names ("['a b']") become plain segments.
                var end = text.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                if (result.Length > 0)
                {
                    result.Append('.');
                }

                result.Append(CamelCase(text[(i + 2)..end]));
                i = end + 1;
                segmentStart = false;
                continue;
            }

            result.Append(segmentStart && char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : c);
            segmentStart = c == '.';
        }

        return result.Length == 0 ? "body" : result.ToString();
    }

    private static string CamelCase(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;

    private static async Task<byte[]> ReadCappedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (buffer.Length <= limit)
        {
            var n = await body.ReadAsync(chunk, ct);
            if (n == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static Body<T> TooLarge<T>(int limit)
        where T : class =>
        Fail<T>("body", limit >= 1024 * 1024 ? $"The body is larger than {limit / 1024 / 1024} MiB." : $"The body is larger than {limit / 1024} KiB.") with { Oversized = true };

    internal static Body<T> Fail<T>(string field, string message)
        where T : class =>
        new(null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }));
}
