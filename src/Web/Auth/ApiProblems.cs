using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Auth;

/// <summary>
/// Problem types of this API (RFC 9457 <c>type</c>), plus writing a problem from middleware and auth events.
/// The types are short relative references, so scripts can test <c>.type == "setup-required"</c>.
/// </summary>
public static class ApiProblems
{
    public const string SetupRequired = "setup-required";
    public const string AgentUnavailable = "agent-unavailable";
    public const string Unauthorized = "unauthorized";
    public const string TooManyAttempts = "too-many-attempts";
    public const string Conflict = "conflict";
    public const string NotFound = "not-found";
    public const string Forbidden = "forbidden";
    public const string SetupForbidden = "setup-forbidden";

    /// <summary>The 401 detail when nothing more specific is known.</summary>
    public const string UnauthorizedDetail = "Send Authorization: Bearer <token>, or sign in.";

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static async Task WriteAsync(HttpContext context, int status, string type, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
        }
    }

    public static Task UnauthorizedAsync(HttpContext context, string? detail = null)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, Unauthorized, "Authentication required.", detail ?? UnauthorizedDetail);
    }
}
