using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET|PUT /api/v1/logging: per-category firewall log levels and the shared rate limit.</summary>
public static class LoggingApi
{
    public static RouteGroupBuilder MapLogging(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/logging").WithTags("Logging").RequireApiAuth();
        group.MapGet("/", async (LoggingService logging, CancellationToken ct) => TypedResults.Ok(await logging.GetAsync(ct)))
            .WithName("GetLogging");
        group.MapPut("/", PutAsync)
            .WithName("PutLogging")
            .WithSummary("Each category off or a syslog level; ratePerMinute 1–10000 and burst. Missing fields take their defaults.")
            .Accepts<LoggingPolicy>("application/json");
        return group;
    }

    private static async Task<Results<Ok<LoggingPolicy>, ValidationProblem>> PutAsync(HttpRequest request, LoggingService logging, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<LoggingPolicy>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        var outcome = await logging.SetAsync(body.Value!, ct);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : ApiResults.Invalid(outcome);
    }
}
