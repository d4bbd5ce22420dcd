using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET|PUT /api/v1/protection: DoS limits and the defaults for unsolicited WAN traffic.</summary>
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
}
