using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>/api/v1/redirects: redirects to the router's own ports (REDIR), CRUD.</summary>
public static class RedirectsApi
{
    public static RouteGroupBuilder MapRedirects(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/redirects").WithTags("Redirects").RequireApiAuth();
        group.MapGet("/", (HttpContext http, RedirectService service) =>
                TaggedJson<IReadOnlyList<Redirect>>.FromSnapshotAsync(http, "redirects", c => c.Redirects, service.ListAsync))
            .WithName("ListRedirects");
        group.MapGet("/{id:int}", GetAsync).WithName("GetRedirect")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync)
            .WithName("CreateRedirect")
            .WithSummary("Adds a redirect; inInterface defaults to the LAN, destination to any address but the router's.")
            .Accepts<RedirectInput>("application/json");
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdateRedirect")
            .WithSummary("Replaces every field.")
            .Accepts<RedirectInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteRedirect")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<Redirect>, ProblemHttpResult>> GetAsync(int id, RedirectService service, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound($"No redirect with id {id}.");

    private static async Task<Results<Created<Redirect>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, RedirectService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RedirectInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await service.CreateAsync(body.Value!, ct), created => $"/api/v1/redirects/{created.Id}");
    }

    private static async Task<Results<Ok<Redirect>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, RedirectService service, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RedirectInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await service.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, RedirectService service, CancellationToken ct)
    {
        var outcome = await service.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
