using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Api;

/// <summary>
/// <c>text/event-stream</c> of conntrack samples, <c>data: {json}\n\n</c> each. Headers go out at once so a
/// client sees the stream open before the first sample; each event is flushed as it is written.
/// </summary>
internal sealed class ConntrackStreamResult(IAsyncEnumerable<ConntrackSample> samples) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var ct = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            await response.StartAsync(ct);
            await response.Body.FlushAsync(ct);
            await foreach (var sample in samples.WithCancellation(ct))
            {
                await response.Body.WriteAsync(DataPrefix, ct);
                await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(sample, options), ct);
                await response.Body.WriteAsync(EventEnd, ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left: the normal end of a stream.
        }
    }
}
