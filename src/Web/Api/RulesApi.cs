using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>The body of PUT /api/v1/rules/order: every rule id exactly once, in the new run order.</summary>
public sealed record RuleOrderInput(IReadOnlyList<int>? Ids);

/// <summary>/api/v1/rules: CRUD in run order (a new rule runs last) and the whole order at once at /order.</summary>
public static class RulesApi
{
    public static RouteGroupBuilder MapRules(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/rules").WithTags("Traffic rules").RequireApiAuth();
        group.MapGet("/", async (HttpContext http, RuleService rules, CancellationToken ct) => TaggedJson<IReadOnlyList<RuleView>>.Of(http, await rules.ListAsync(ct)))
            .WithName("ListRules")
            .WithSummary("Every rule in run order (first match wins), each with its latest kernel counter in hits.");
        group.MapGet("/{id:int}", GetAsync).WithName("GetRule")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync)
            .WithName("CreateRule")
            .WithSummary("Adds a rule at the end of the order.")
            .Accepts<RuleInput>("application/json");
        // "order" never matches {id:int}, so the two PUT routes can't clash.
        group.MapPut("/order", ReorderAsync)
            .WithName("ReorderRules")
            .WithSummary("Sets the run order: ids names every rule exactly once. Answers the rules in their new order.")
            .Accepts<RuleOrderInput>("application/json");
        group.MapPut("/{id:int}", UpdateAsync)
            .WithName("UpdateRule")
            .WithSummary("Replaces every field; the rule keeps its place in the order. hits is read-only and ignored.")
            .Accepts<RuleInput>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteRule")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<RuleView>, ProblemHttpResult>> GetAsync(int id, RuleService rules, CancellationToken ct) =>
        await rules.GetAsync(id, ct) is { } rule ? TypedResults.Ok(rule) : ApiResults.NotFound($"No traffic rule with id {id}.");

    private static async Task<Results<Created<RuleView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, RuleService rules, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RuleInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await rules.CreateAsync(body.Value!, ct), created => $"/api/v1/rules/{created.Id}");
    }

    private static async Task<Results<Ok<RuleView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, RuleService rules, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RuleInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await rules.UpdateAsync(id, body.Value!, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<RuleView>>, ValidationProblem, ProblemHttpResult>> ReorderAsync(
        HttpRequest request, RuleService rules, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RuleOrderInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await rules.ReorderAsync(body.Value!.Ids, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(int id, RuleService rules, CancellationToken ct)
    {
        var outcome = await rules.DeleteAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}
