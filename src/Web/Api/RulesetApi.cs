using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>GET /api/v1/ruleset: the live <c>table inet gateway</c> as the kernel lists it, as text/plain.</summary>
public static class RulesetApi
{
    public static RouteHandlerBuilder MapRuleset(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/ruleset", GetAsync)
            .WithTags("Agent")
            .RequireApiAuth()
            .WithName("GetRuleset")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return TypedResults.Text(await agent.GetRulesetAsync(ct), "text/plain; charset=utf-8");
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
