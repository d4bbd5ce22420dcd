using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>/api/v1/one-to-one: 1:1 NAT CRUD; an external address or internal host twice among enabled entries, or an address the router already holds, is 409.</summary>
public static class OneToOneApi
{
    public static RouteGroupBuilder MapOneToOne(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/one-to-one").WithTags("1:1 NAT").RequireApiAuth();
        group.MapGet("/", (HttpContext http, OneToOneService service) =>
                TaggedJson<IReadOnlyList<OneToOneNat>>.FromSnapshotAsync(http, "one-to-one", c => c.OneToOne, service.ListAsync))
            .WithName("ListOneToOne");
        group.MapGet("/{id:int}", GetAsync).WithName("GetOneToOneEntry")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync)
            .WithName("CreateOneToOneEntry")
            .WithSummary("Adds an entry (enabled and addAddress default to true).")
            .Accepts<OneToOneInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdateOneToOneEntry")
            .WithSummary("Replaces every field.")
            .Accepts<OneToOneInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteOneToOneEntry")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<OneToOneNat>, ProblemHttpResult>> GetAsync(int id, OneToOneService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound($"No 1:1 NAT entry with id {id}.");

    private static async Task<Results<Created<OneToOneNat>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, OneToOneService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<OneToOneInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await service.CreateAsync(body.Value!, ct), created => $"/api/v1/one-to-one/{created.Id}");
    }

    private static async Task<Results<Ok<OneToOneNat>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, OneToOneService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<OneToOneInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await service.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, OneToOneService service, CancellationToken ct)
    {
        var outcome = await service.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
