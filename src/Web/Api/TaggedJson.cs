using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.Web.Api;

/// <summary>
/// A 200 JSON answer with a strong <c>ETag</c> (a hash of the body), or 304 Not Modified when the request's
/// <c>If-None-Match</c> names it. Answers read from the desired-state snapshot keep their body and tag per revision,
/// so repeated GETs of an unchanged list cost no database read and no serialisation.
/// </summary>
public sealed class TaggedJson<T> : IResult, IEndpointMetadataProvider
{
    /// <summary>Bodies up to this size are kept for their revision; a larger one (a 10,000-item backup) only keeps its tag.</summary>
    private const int KeptBodyBytes = 1024 * 1024;

    private readonly Func<byte[]> _body;
    private readonly string _etag;
    private byte[]? _bytes;

    private TaggedJson(string etag, byte[]? bytes, Func<byte[]> body)
    {
        _etag = etag;
        _bytes = bytes;
        _body = body;
    }

    /// <summary>The strong entity tag sent with the answer, quotes included.</summary>
    public string ETag => _etag;

    /// <summary>Live data (say, rules with their hit counters): serialised and tagged on every request.</summary>
    public static TaggedJson<T> Of(HttpContext http, T value)
    {
        var bytes = Serialize(http, value);
        return new TaggedJson<T>(Tag(bytes), bytes, () => bytes);
    }

    /// <summary>
    /// Part of the desired state, from the snapshot; <paramref name="beforeSetup"/> answers while there is none
    /// (only reachable by callers the setup gate lets through).
    /// </summary>
    public static async Task<TaggedJson<T>> FromSnapshotAsync(
        HttpContext http, string resource, Func<GatewayConfig, T> pick, Func<CancellationToken, Task<T>> beforeSetup)
    {
        var snapshots = http.RequestServices.GetRequiredService<DesiredStateCache>();
        if (await snapshots.SnapshotAsync(http.RequestAborted) is not { } snapshot)
        {
            return Of(http, await beforeSetup(http.RequestAborted));
        }

        var (revision, config) = snapshot;
        var kept = snapshots.Derived($"json:{resource}", revision, () =>
        {
            var bytes = Serialize(http, pick(config));
            return new Kept(Tag(bytes), bytes.Length <= KeptBodyBytes ? bytes : null);
        });
        return new TaggedJson<T>(kept.ETag, kept.Body, () => Serialize(http, pick(config)));
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.Headers.ETag = _etag;
        // Revalidate every time: the state may change at any moment, and a 304 is cheap.
        response.Headers.CacheControl = "private, no-cache";
        if (Matches(httpContext.Request, _etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var bytes = _bytes ??= _body();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
    }

    /// <summary>If-None-Match compares weakly (RFC 9110 13.1.2): <c>W/"x"</c> matches <c>"x"</c>; <c>*</c> matches anything.</summary>
    private static bool Matches(HttpRequest request, string etag)
    {
        if (request.Headers.IfNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParse(etag, out var ours))
        {
            return false;
        }

        var theirs = request.GetTypedHeaders().IfNoneMatch;
        return theirs.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(ours, useStrongComparison: false));
    }

    /// <summary>With the app's JSON options, exactly as TypedResults.Ok would write it.</summary>
    private static byte[] Serialize(HttpContext http, T value)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(typeof(T)));
    }

    private static string Tag(byte[] bytes) => $"\"{Convert.ToBase64String(SHA256.HashData(bytes).AsSpan(0, 18)).Replace('+', '-').Replace('/', '_')}\"";

    private sealed record Kept(string ETag, byte[]? Body);
}
