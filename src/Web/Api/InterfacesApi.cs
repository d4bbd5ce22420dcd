using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>GET /api/v1/interfaces: the router's links as the agent sees them. Open before setup (the wizard needs it).</summary>
public static class InterfacesApi
{
    public static RouteHandlerBuilder MapInterfaces(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/interfaces", GetAsync)
            .WithTags("Agent")
            .WithName("GetInterfaces")
            .WithSummary("Network links (name, MAC, addresses, up). Needs no credentials until setup completes.")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<IReadOnlyList<LinkInfo>>, ProblemHttpResult>> GetAsync(
        HttpContext context, SetupState setup, AgentClient agent, CancellationToken ct)
    {
        if (await setup.IsCompletedAsync(ct) && context.User.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResults.Unauthorized();
        }

        try
        {
            return TypedResults.Ok(await agent.GetInterfacesAsync(ct));
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
