using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

public sealed record SetupStatus(bool Completed);

/// <summary>GET|POST /api/v1/setup: the one-shot first run. Open without credentials (there are none yet).</summary>
public static class SetupApi
{
    public static RouteGroupBuilder MapSetup(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/setup").WithTags("Setup").AllowAnonymous();
        group.MapGet("/", async (SetupService setup, CancellationToken ct) => TypedResults.Ok(new SetupStatus(await setup.IsCompletedAsync(ct))))
            .WithName("GetSetup").WithSummary("Whether the first-run setup has completed.");
        group.MapPost("/", CompleteAsync)
            .WithName("CompleteSetup")
            .WithSummary("Sets the admin password and the network; works once, then 409.")
            .Accepts<SetupInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<SetupStatus>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        HttpRequest request, SetupService setup, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<SetupInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        var outcome = await setup.CompleteAsync(body.Value!, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Ok or OutcomeKind.Created => TypedResults.Created("/api/v1/setup", new SetupStatus(true)),
            OutcomeKind.Invalid => ApiResults.Invalid(outcome),
            _ => ApiResults.Problem(outcome),
        };
    }
}
