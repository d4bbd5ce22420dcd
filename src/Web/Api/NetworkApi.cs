using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET|PUT /api/v1/network: WAN/LAN interfaces (a trailing * matches a family, e.g. ppp*), LAN address, masquerade.</summary>
public static class NetworkApi
{
    public static RouteGroupBuilder MapNetwork(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/network").WithTags("Network").RequireApiAuth();
        group.MapGet("/", GetAsync).WithName("GetNetwork");
        group.MapPut("/", PutAsync)
            .WithName("PutNetwork")
            .WithSummary("Replaces the network settings; 409 when a port forward, 1:1 entry or policy route would no longer fit the new LAN.")
            .Accepts<NetworkSettings>("application/json");
        return group;
    }

    private static async Task<Results<Ok<NetworkSettings>, ProblemHttpResult>> GetAsync(NetworkService network, CancellationToken ct) =>
        await network.GetAsync(ct) is { } settings ? TypedResults.Ok(settings) : ApiResults.NotFound("Setup has not completed.");

    private static async Task<Results<Ok<NetworkSettings>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, NetworkService network, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NetworkSettings>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await network.SetAsync(body.Value!, ct));
    }
}
