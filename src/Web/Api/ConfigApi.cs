using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET|PUT /api/v1/config: whole-config backup and atomic restore (no secrets), validated as a whole.</summary>
public static class ConfigApi
{
    public static RouteGroupBuilder MapConfig(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/config").WithTags("Backup").RequireApiAuth();
        group.MapGet("/", (HttpContext http, ConfigService config) =>
                TaggedJson<GatewayConfig>.FromSnapshotAsync(http, "config", c => c, config.ExportAsync))
            .WithName("ExportConfig")
            .WithSummary("The whole desired state: network, port forwards, MAC filters, MAC policy, logging, rules (in run order, without hits), protection, oneToOne, redirects, policyRoutes, helpers.");
        group.MapPut("/", PutAsync)
            .WithName("ImportConfig")
            .WithSummary("Replaces the whole desired state, all or nothing. Item ids are optional; ids of existing items are kept. No rules key: no rules; no protection key: the default protection; no oneToOne, redirects or policyRoutes key: none; no helpers key: no outbound helpers. A 1:1 external address the router already holds is 409.")
            .Accepts<ConfigInput>("application/json");
        return group;
    }

    private static async Task<Results<Ok<GatewayConfig>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, ConfigService config, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ConfigInput>(request, JsonBody.ConfigLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await config.ImportAsync(body.Value!, ct));
    }
}
