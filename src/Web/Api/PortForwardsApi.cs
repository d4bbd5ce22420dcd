using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>/api/v1/port-forwards: CRUD; enabled forwards overlapping on protocol and external ports → 409.</summary>
public static class PortForwardsApi
{
    public static RouteGroupBuilder MapPortForwards(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/port-forwards").WithTags("Port forwards").RequireApiAuth();
        group.MapGet("/", (HttpContext http, PortForwardService forwards) =>
                TaggedJson<IReadOnlyList<PortForward>>.FromSnapshotAsync(http, "port-forwards", c => c.PortForwards, forwards.ListAsync))
            .WithName("ListPortForwards");
        group.MapGet("/{id:int}", GetAsync).WithName("GetPortForward");
        group.MapPost("/", CreateAsync)
            .WithName("CreatePortForward")
            .Accepts<PortForwardInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdatePortForward")
            .Accepts<PortForwardInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeletePortForward");
        return group;
    }

    private static async Task<Results<Ok<PortForward>, ProblemHttpResult>> GetAsync(int id, PortForwardService forwards, CancellationToken ct) =>
        await forwards.GetAsync(id, ct) is { } forward ? TypedResults.Ok(forward) : ApiResults.NotFound($"No port forward with id {id}.");

    private static async Task<Results<Created<PortForward>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, PortForwardService forwards, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PortForwardInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await forwards.CreateAsync(body.Value!, ct), created => $"/api/v1/port-forwards/{created.Id}");
    }

    private static async Task<Results<Ok<PortForward>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, PortForwardService forwards, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PortForwardInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await forwards.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, PortForwardService forwards, CancellationToken ct)
    {
        var outcome = await forwards.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
