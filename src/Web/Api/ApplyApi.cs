using Gateway.Web.Confirm;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>POST /api/v1/apply/confirm: keep the commit-confirmed revision the agent is waiting on.</summary>
public static class ApplyApi
{
    /// <summary>The answer to a confirmation: the revision that is now kept.</summary>
    public sealed record Confirmed(long Revision);

    public static RouteGroupBuilder MapApply(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/apply").WithTags("Apply").RequireApiAuth();
        group.MapPost("/confirm", ConfirmAsync)
            .WithName("ConfirmApply")
            .WithSummary("Keeps the pending commit-confirmed revision (see pendingConfirmation in GET /status). 409 when nothing is pending.");
        return group;
    }

    private static async Task<Results<Ok<Confirmed>, ProblemHttpResult>> ConfirmAsync(AgentClient link, CancellationToken ct)
    {
        if (!link.Connected)
        {
            return ApiResults.AgentUnavailable();
        }

        if (link.PendingConfirmation is not { } pending)
        {
            return NothingPending("Nothing is waiting for confirmation.");
        }

        try
        {
            var reply = await link.ConfirmAsync(pending.Revision, ct);
            return reply.Error is { } error ? NothingPending(error) : TypedResults.Ok(new Confirmed(pending.Revision));
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    private static ProblemHttpResult NothingPending(string detail) =>
        ApiResults.Problem(Outcome<Confirmed>.Conflict(detail));
}
