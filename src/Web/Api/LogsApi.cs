using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>GET /api/v1/logs?minLevel=warn&amp;limit=100: recent firewall log entries, newest first.</summary>
public static class LogsApi
{
    public const int MaxLimit = 1000;

    public static RouteHandlerBuilder MapLogs(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/logs", Get)
            .WithTags("Agent")
            .RequireApiAuth()
            .WithName("GetLogs")
            .WithSummary("Recent firewall log entries at minLevel (default debug) or more severe, newest first; limit 1–1000 (default 100).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Results<Ok<IReadOnlyList<FirewallLogEntry>>, ValidationProblem, ProblemHttpResult> Get(
        AgentClient agent, string? minLevel = null, string? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        var level = FirewallLogLevel.Debug;
        if (minLevel is not null && (!FirewallLogLevels.TryParse(minLevel, out level) || level == FirewallLogLevel.Off))
        {
            errors["minLevel"] = ["One of emerg, alert, crit, err, warn, notice, info, debug."];
        }

        var count = 100;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"A number from 1 to {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!agent.Connected)
        {
            return ApiResults.AgentUnavailable();
        }

        return TypedResults.Ok(agent.RecentLogs(level, count));
    }
}
