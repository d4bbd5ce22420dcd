using Gateway.Web.Security;
using Gateway.Web.State;
using Microsoft.Extensions.Options;
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
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return group;
    }

    private static async Task<Results<Created<SetupStatus>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        HttpRequest request, SetupService setup, IOptions<SecurityOptions> security, CancellationToken ct)
    {
        // Nobody is signed in yet: the unauthenticated limit (Security:DefaultBodyLimit) stays, and over it is a 413.
        var limit = (int)Math.Min(security.Value.DefaultBodyLimit, JsonBody.ItemLimit);
        var body = await JsonBody.ReadAsync<SetupInput>(request, limit, ct);
        if (body.Oversized)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The body is too large.",
                detail: $"Setup takes at most {limit / 1024} KiB.");
        }

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
