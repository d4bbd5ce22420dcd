using Gateway.Web.State;

namespace Gateway.Web.Api;

/// <summary>GET /api/v1/status: scripts wait for appliedRevision == desiredRevision.</summary>
public static class StatusApi
{
    public static RouteHandlerBuilder MapStatus(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/status", async (StatusService status, CancellationToken ct) => TypedResults.Ok(await status.GetAsync(ct)))
            .WithTags("Status")
            .RequireApiAuth()
            .WithName("GetStatus")
            .WithSummary("Setup state, agent link, desired and applied revisions, the last apply error.");
}
