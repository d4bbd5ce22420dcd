using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.AgentLink;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>The uplink: GET|PUT /api/v1/wan and GET /api/v1/wan/status (live, from the agent).</summary>
public static class WanApi
{
    public static RouteGroupBuilder MapWan(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/wan").WithTags("WAN").RequireApiAuth();
        group.MapGet("/", async (WanService wan, CancellationToken ct) => TypedResults.Ok(await wan.GetAsync(ct)))
            .WithName("GetWan")
            .WithSummary("The WAN settings: who brings the uplink up (unmanaged, dhcp or static) and IPv6 on it.");
        group.MapPut("/", PutWanAsync)
            .WithName("PutWan")
            .WithSummary("Replaces the WAN settings. A missing field takes its default (unmanaged, ipv6 off, no DNS servers).")
            .Accepts<WanInput>("application/json");
        group.MapGet("/status", StatusAsync)
            .WithName("GetWanStatus")
            .WithSummary("The uplink now, asked of the agent: addresses, gateway, DNS servers, lease end, delegated prefix.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<WanSettings>, ValidationProblem, ProblemHttpResult>> PutWanAsync(
        HttpRequest request, WanService wan, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<WanInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await wan.UpdateAsync(body.Value!, ct));
    }

    private static async Task<Results<Ok<WanStatus>, ProblemHttpResult>> StatusAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok((await agent.GetWanStatusAsync(ct)).Status);
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
