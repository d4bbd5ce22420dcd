using System.Net;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.AgentLink;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>
/// GET|PUT /api/v1/protection: DoS limits and the defaults for unsolicited WAN traffic; GET /api/v1/protection/blocked
/// and DELETE /api/v1/protection/blocked/{address}: the sources port-scan protection blocks (live, from the agent).
/// </summary>
public static class ProtectionApi
{
    public static RouteGroupBuilder MapProtection(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/protection").WithTags("Protection").RequireApiAuth();
        group.MapGet("/", async (ProtectionService protection, CancellationToken ct) => TypedResults.Ok(await protection.GetAsync(ct)))
            .WithName("GetProtection");
        group.MapPut("/", PutAsync)
            .WithName("PutProtection")
            .WithSummary("Replaces the protection settings. A missing field takes its default (the closed, safe value), not the stored one.")
            .Accepts<ProtectionInput>("application/json");
        group.MapGet("/blocked", BlockedAsync)
            .WithName("ListBlockedSources")
            .WithSummary("The sources port-scan protection blocks now (IPv4 addresses, IPv6 /64s), each with when its block ends.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/blocked/{address}", FreeAsync)
            .WithName("FreeBlockedSource")
            .WithSummary("Frees one blocked source before its block ends (an IPv6 address frees its /64).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<Protection>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, ProtectionService protection, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ProtectionInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await protection.UpdateAsync(body.Value!, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<BlockedSource>>, ProblemHttpResult>> BlockedAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok((await agent.GetBlockedSourcesAsync(ct)).Sources);
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> FreeAsync(string address, AgentClient agent, CancellationToken ct)
    {
        if (!IPAddress.TryParse(address, out _) || address.Contains('%', StringComparison.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["address"] = ["An IPv4 or IPv6 address."] }, title: "The request has invalid fields.");
        }

        try
        {
            var reply = await agent.FreeBlockedSourceAsync(address, ct);
            return reply.Freed == true ? TypedResults.NoContent() : ApiResults.NotFound($"{address} is not blocked.");
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
