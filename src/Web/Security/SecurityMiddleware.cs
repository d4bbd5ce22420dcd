using Gateway.Web.State;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Security;

/// <summary>
/// Runs after authentication, for every request: sets <see cref="SecurityHeaders"/>; turns a request Kestrel
/// refused mid-read (a body over its limit, a malformed form) into its own status with one log line instead of
/// a 500 and a stack trace; and guards <c>/_blazor</c> (<see cref="CircuitGate"/>).
/// </summary>
internal sealed partial class SecurityMiddleware(RequestDelegate next, CircuitGate circuits, SetupState setup, ILogger<SecurityMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        SecurityHeaders.BeginRequest(context);
        context.Response.OnStarting(static state =>
        {
            SecurityHeaders.Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);

        // A form announcing more than the limit is refused before anything reads it (no endpoint raises the limit for forms).
        if (context.Request.HasFormContentType
            && context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
        {
            LogRefused(context.Request.Method, context.Request.Path, StatusCodes.Status413PayloadTooLarge, "form body over the limit");
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Request body too large.\n");
            return;
        }

        try
        {
            if (context.Request.Path.StartsWithSegments(CircuitGate.HubPath, StringComparison.OrdinalIgnoreCase))
            {
                await circuits.InvokeAsync(context, next, await setup.IsCompletedAsync(context.RequestAborted));
                return;
            }

            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            LogRefused(context.Request.Method, context.Request.Path, ex.StatusCode, ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large.\n"
                : "Bad request.\n");
        }
    }

    [LoggerMessage(LogLevel.Information, "Refused {Method} {Path}: {Status} ({Reason})")]
    private partial void LogRefused(string method, string path, int status, string reason);
}

/// <summary>
/// <c>/_blazor</c> (the panel's SignalR circuits): after setup only a signed-in browser may open one — the
/// login page is static and needs none; before setup the setup gate already limits clients to the LAN side.
/// At most <see cref="SecurityOptions.MaxCircuitConnections"/> requests are in flight at once (each WebSocket
/// counts for its life); beyond that, 503.
/// </summary>
internal sealed class CircuitGate(IOptions<SecurityOptions> options)
{
    public const string HubPath = "/_blazor";

    private readonly int _max = options.Value.MaxCircuitConnections;
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next, bool setupCompleted)
    {
        if (setupCompleted && context.User.Identity?.IsAuthenticated != true)
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "Sign in first.\n");
            return;
        }

        if (Interlocked.Increment(ref _open) > _max)
        {
            Interlocked.Decrement(ref _open);
            context.Response.Headers.RetryAfter = "10";
            await Refuse(context, StatusCodes.Status503ServiceUnavailable, "Too many open panel connections.\n");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static Task Refuse(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }
}
