using Gateway.Web.AgentLink;
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
        var endpoints = routes.MapListResource<RuleService, RuleView, RuleInput>("rules", "Traffic rules", "Rules", "Rule", pick: null, conflicts: false);
        endpoints.List.WithSummary("Every rule in run order (first match wins), each with its latest kernel counter in hits.");
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a rule at the end of the order.");
        endpoints.Update.WithSummary("Replaces every field; the rule keeps its place in the order. hits is read-only and ignored.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);

        // "order" never matches {id:int}, so the two PUT routes can't clash.
        var group = endpoints.Group;
        group.MapPut("/order", ReorderAsync)
            .WithName("ReorderRules")
            .WithSummary("Sets the run order: ids names every rule exactly once. Answers the rules in their new order.")
            .Accepts<RuleOrderInput>("application/json");
        group.MapPost("/{id:int}/reset-quota", ResetQuotaAsync)
            .WithName("ResetRuleQuota")
            .WithSummary("Starts the rule's quota again: its used bytes go back to 0 in the kernel. 409 when the rule has no quota (or it is not applied yet).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetQuotaAsync(int id, RuleService rules, AgentClient agent, CancellationToken ct)
    {
        var rule = await rules.GetAsync(id, ct);
        if (rule is null)
        {
            return ApiResults.NotFound($"No traffic rule {id}.");
        }

        if (rule.Quota is null)
        {
            return ApiResults.Problem(Outcome<RuleView>.Conflict($"Traffic rule {id} has no quota.", new Dictionary<string, string[]> { ["quota"] = ["The rule has no quota to reset."] }));
        }

        try
        {
            var reply = await agent.ResetQuotaAsync(id, ct);
            return reply.Reset ? TypedResults.NoContent() : ApiResults.Problem(Outcome<RuleView>.Conflict(reply.Error ?? $"The agent did not reset rule {id}'s quota."));
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
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
}
