using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.AgentLink;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>
/// GET|PUT /api/v1/upnp (the settings), GET /api/v1/upnp/mappings (live, from the agent) and DELETE
/// /api/v1/upnp/mappings/{id} (removes one and cuts its connections).
/// </summary>
public static class UpnpApi
{
    public static RouteGroupBuilder MapUpnp(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/upnp").WithTags("UPnP").RequireApiAuth();
        group.MapGet("/", async (UpnpService upnp, CancellationToken ct) => TypedResults.Ok(await upnp.GetAsync(ct)))
            .WithName("GetUpnp")
            .WithSummary("The UPnP IGD / NAT-PMP / PCP settings.");
        group.MapPut("/", PutAsync)
            .WithName("PutUpnp")
            .WithSummary("Replaces the UPnP IGD / NAT-PMP / PCP settings. A missing field takes its default (off, secure mode, 1024-65535, denied 21, 23, 135, 137-139, 445, 3389, 86400 s).")
            .Accepts<UpnpInput>("application/json");
        group.MapGet("/mappings", MappingsAsync)
            .WithName("ListUpnpMappings")
            .WithSummary("The mappings LAN devices hold now, asked of the agent.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/mappings/{id}", DeleteAsync)
            .WithName("DeleteUpnpMapping")
            .WithSummary("Removes one mapping (id as listed, e.g. tcp-18080) and cuts the connections it carried.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<UpnpSettings>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpRequest request, UpnpService upnp, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<UpnpInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await upnp.UpdateAsync(body.Value!, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<UpnpMapping>>, ProblemHttpResult>> MappingsAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok((await agent.GetUpnpMappingsAsync(ct)).Mappings);
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, AgentClient agent, CancellationToken ct)
    {
        // An id no mapping can have (not tcp-N or udp-N) needs no agent to be unknown.
        if (!UpnpMappingId.TryParse(id, out _, out _))
        {
            return ApiResults.NotFound($"No live UPnP mapping '{id}'.");
        }

        try
        {
            var reply = await agent.DeleteUpnpMappingAsync(id, ct);
            return reply.Deleted == true ? TypedResults.NoContent() : ApiResults.NotFound($"No live UPnP mapping '{id}'.");
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
