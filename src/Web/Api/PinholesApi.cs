using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>/api/v1/pinholes: IPv6 pinholes (inbound from the WAN to one LAN host's ports, no NAT), CRUD.</summary>
public static class PinholesApi
{
    public static RouteGroupBuilder MapPinholes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/pinholes").WithTags("Pinholes").RequireApiAuth();
        group.MapGet("/", (HttpContext http, PinholeService service) =>
                TaggedJson<IReadOnlyList<Pinhole>>.FromSnapshotAsync(http, "pinholes", c => c.Pinholes, service.ListAsync))
            .WithName("ListPinholes");
        group.MapGet("/{id:int}", GetAsync).WithName("GetPinhole")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync)
            .WithName("CreatePinhole")
            .WithSummary("Adds a pinhole to the host named by hostSuffix or mac; 409 when an enabled one opens the same host and ports already. Applies while network.lanIpv6 is set.")
            .Accepts<PinholeInput>("application/json");
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdatePinhole")
            .WithSummary("Replaces every field.")
            .Accepts<PinholeInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeletePinhole")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Pinhole>, ProblemHttpResult>> GetAsync(int id, PinholeService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound($"No pinhole with id {id}.");

    private static async Task<Results<Created<Pinhole>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, PinholeService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PinholeInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await service.CreateAsync(body.Value!, ct), created => $"/api/v1/pinholes/{created.Id}");
    }

    private static async Task<Results<Ok<Pinhole>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, PinholeService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PinholeInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await service.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, PinholeService service, CancellationToken ct)
    {
        var outcome = await service.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
