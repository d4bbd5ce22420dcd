using Gateway.Web.State;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Gateway.Web.Auth;

/// <summary>
/// Until setup completes, every /api/v1 route but GET|POST /api/v1/setup and GET /api/v1/interfaces answers
/// 409 <c>setup-required</c>, and every page redirects to /setup. Afterwards /setup redirects to "/", and pages
/// other than the login page need the cookie (redirect to /login?returnUrl=…). Before setup, only
/// <see cref="SetupClients"/> (loopback and the LAN side) are served at all: everyone else gets 403.
/// </summary>
internal sealed class SetupGateMiddleware(RequestDelegate next, SetupState setup, SetupClients clients)
{
    private static readonly string[] AnonymousPages = ["/login", "/setup", "/not-found", "/error"];

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!await setup.IsCompletedAsync(context.RequestAborted)
            && !await clients.IsAllowedAsync(context.Connection.RemoteIpAddress, context.RequestAborted))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, ApiProblems.SetupForbidden, "Setup is only open to the LAN.",
                "Before setup, the router answers only its own console and hosts on a link without the default route: connect to a LAN port.");
            return;
        }

        if (request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase, out var rest))
        {
            var open = rest.Equals("/setup", StringComparison.OrdinalIgnoreCase)
                || (HttpMethods.IsGet(request.Method) && rest.Equals("/interfaces", StringComparison.OrdinalIgnoreCase));
            if (!open && !await setup.IsCompletedAsync(context.RequestAborted))
            {
                await ApiProblems.WriteAsync(context, StatusCodes.Status409Conflict, ApiProblems.SetupRequired, "Setup required.",
                    "Complete the first-run setup (POST /api/v1/setup) first.");
                return;
            }
        }
        else if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null && HttpMethods.IsGet(request.Method))
        {
            var path = (request.Path.Value ?? "/").TrimEnd('/');
            var isSetupPage = path.Equals("/setup", StringComparison.OrdinalIgnoreCase);
            var completed = await setup.IsCompletedAsync(context.RequestAborted);
            if (!completed && !isSetupPage)
            {
                context.Response.Redirect("/setup");
                return;
            }

            if (completed && isSetupPage)
            {
                context.Response.Redirect("/");
                return;
            }

            if (completed && context.User.Identity?.IsAuthenticated != true
                && !AnonymousPages.Contains(path, StringComparer.OrdinalIgnoreCase))
            {
                var returnUrl = request.PathBase + request.Path + request.QueryString;
                context.Response.Redirect($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
                return;
            }
        }

        await next(context);
    }
}
