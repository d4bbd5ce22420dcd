using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>/api/v1/policy-routes: source-based routes, CRUD; an enabled source twice is 409.</summary>
public static class PolicyRoutesApi
{
    public static RouteGroupBuilder MapPolicyRoutes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/policy-routes").WithTags("Policy routes").RequireApiAuth();
        group.MapGet("/", (HttpContext http, PolicyRouteService service) =>
                TaggedJson<IReadOnlyList<PolicyRoute>>.FromSnapshotAsync(http, "policy-routes", c => c.PolicyRoutes, service.ListAsync))
            .WithName("ListPolicyRoutes");
        group.MapGet("/{id:int}", GetAsync).WithName("GetPolicyRoute")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync)
            .WithName("CreatePolicyRoute")
            .WithSummary("Adds a policy route (masquerade defaults to true).")
            .Accepts<PolicyRouteInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdatePolicyRoute")
            .WithSummary("Replaces every field.")
            .Accepts<PolicyRouteInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeletePolicyRoute")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<PolicyRoute>, ProblemHttpResult>> GetAsync(int id, PolicyRouteService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound($"No policy route with id {id}.");

    private static async Task<Results<Created<PolicyRoute>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, PolicyRouteService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PolicyRouteInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await service.CreateAsync(body.Value!, ct), created => $"/api/v1/policy-routes/{created.Id}");
    }

    private static async Task<Results<Ok<PolicyRoute>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, PolicyRouteService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PolicyRouteInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await service.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, PolicyRouteService service, CancellationToken ct)
    {
        var outcome = await service.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
