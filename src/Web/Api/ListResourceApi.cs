using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>The five routes of a list resource, for a resource to add what only it documents.</summary>
internal sealed record ListEndpoints(
    RouteGroupBuilder Group,
    RouteHandlerBuilder List,
    RouteHandlerBuilder Get,
    RouteHandlerBuilder Create,
    RouteHandlerBuilder Update,
    RouteHandlerBuilder Delete);

/// <summary>
/// The one way a list resource answers REST: <c>GET /</c>, <c>GET /{id}</c>, <c>POST /</c>, <c>PUT /{id}</c> and
/// <c>DELETE /{id}</c> over its <see cref="IListService{TView, TInput}"/>, the bodies read by <see cref="JsonBody"/>
/// and every failure answered by <see cref="ApiResults"/>.
/// </summary>
internal static class ListResourceApi
{
    /// <param name="path">"port-forwards": the route under /api/v1 and the key of its cached list JSON.</param>
    /// <param name="one">"PortForward": operation names are List{many}, Get{one}, Create{one}, Update{one}, Delete{one}.</param>
    /// <param name="pick">The list in the desired-state snapshot; null for a list with live data (rules and their hits),
    /// which is serialised on every request.</param>
    /// <param name="conflicts">Whether create and update answer 409 (documented).</param>
    public static ListEndpoints MapListResource<TService, TView, TInput>(
        this IEndpointRouteBuilder routes,
        string path,
        string tag,
        string many,
        string one,
        Func<GatewayConfig, IReadOnlyList<TView>>? pick,
        bool conflicts)
        where TService : IListService<TView, TInput>
        where TInput : class
    {
        var group = routes.MapGroup("/" + path).WithTags(tag).RequireApiAuth();
        var list = pick is null
            ? group.MapGet("/", ListLiveAsync<TService, TView, TInput>)
            : group.MapGet("/", (HttpContext http, CancellationToken ct) => TaggedJson<IReadOnlyList<TView>>.FromSnapshotAsync(http, path, pick, Service<TService>(http).ListAsync));
        list.WithName("List" + many);
        var get = group.MapGet("/{id:int}", GetAsync<TService, TView, TInput>).WithName("Get" + one);
        var create = group.MapPost("/", (HttpRequest request, CancellationToken ct) => CreateAsync<TService, TView, TInput>(request, path, ct))
            .WithName("Create" + one)
            .Accepts<TInput>("application/json");
        var update = group.MapPut("/{id:int}", UpdateAsync<TService, TView, TInput>)
            .WithName("Update" + one)
            .Accepts<TInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        var delete = group.MapDelete("/{id:int}", DeleteAsync<TService, TView, TInput>).WithName("Delete" + one);
        if (conflicts)
        {
            create.ProducesProblem(StatusCodes.Status409Conflict);
            update.ProducesProblem(StatusCodes.Status409Conflict);
        }

        return new ListEndpoints(group, list, get, create, update, delete);
    }

    private static async Task<TaggedJson<IReadOnlyList<TView>>> ListLiveAsync<TService, TView, TInput>(HttpContext http, CancellationToken ct)
        where TService : IListService<TView, TInput> =>
        TaggedJson<IReadOnlyList<TView>>.Of(http, await Service<TService>(http).ListAsync(ct));

    private static async Task<Results<Ok<TView>, ProblemHttpResult>> GetAsync<TService, TView, TInput>(int id, HttpContext http, CancellationToken ct)
        where TService : IListService<TView, TInput>
    {
        var service = Service<TService>(http);
        return await service.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound(service.NotFoundMessage(id));
    }

    private static async Task<Results<Created<TView>, ValidationProblem, ProblemHttpResult>> CreateAsync<TService, TView, TInput>(
        HttpRequest request, string path, CancellationToken ct)
        where TService : IListService<TView, TInput>
        where TInput : class
    {
        var service = Service<TService>(request.HttpContext);
        var body = await JsonBody.ReadAsync<TInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await service.CreateAsync(body.Value!, ct), created => $"/api/v1/{path}/{service.IdOf(created)}");
    }

    private static async Task<Results<Ok<TView>, ValidationProblem, ProblemHttpResult>> UpdateAsync<TService, TView, TInput>(
        int id, HttpRequest request, CancellationToken ct)
        where TService : IListService<TView, TInput>
        where TInput : class
    {
        var service = Service<TService>(request.HttpContext);
        var body = await JsonBody.ReadAsync<TInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await service.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync<TService, TView, TInput>(int id, HttpContext http, CancellationToken ct)
        where TService : IListService<TView, TInput>
    {
        var outcome = await Service<TService>(http).DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }

    /// <summary>
    /// The resource's service, from the request's scope: a handler parameter of a generic type would trip the
    /// ASP.NET route-handler analyzer (dotnet/aspnetcore#56831), and the service is no part of the documented request.
    /// </summary>
    private static TService Service<TService>(HttpContext http)
        where TService : notnull => http.RequestServices.GetRequiredService<TService>();
}
