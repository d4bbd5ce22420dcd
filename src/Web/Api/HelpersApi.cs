using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET|PUT /api/v1/helpers: conntrack helpers for connections LAN clients open to the WAN.</summary>
public static class HelpersApi
{
    public static RouteGroupBuilder MapHelpers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/helpers").WithTags("Helpers").RequireApiAuth();
        group.MapGet("/", async (HelpersService helpers, CancellationToken ct) => TypedResults.Ok(await helpers.GetAsync(ct)))
            .WithName("GetHelpers");
        group.MapPut("/", PutAsync)
            .WithName("PutHelpers")
            .WithSummary("Sets the outbound helpers: outbound is required, each of ftp, tftp, irc, sip, h323, pptp, amanda, snmp at most once; [] turns them off.")
            .Accepts<HelpersInput>("application/json");
        return group;
    }

    private static async Task<Results<Ok<HelperSettings>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, HelpersService helpers, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<HelpersInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await helpers.UpdateAsync(body.Value!, ct));
    }
}
