using Gateway.Shared.Config;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>/api/v1/mac-filters: the list (MACs stored normalised; a duplicate → 409), this device, and the filter mode at /policy.</summary>
public static class MacFiltersApi
{
    public static RouteGroupBuilder MapMacFilters(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<MacFilterService, MacFilter, MacFilterInput>(
            "mac-filters", "MAC filters", "MacFilters", "MacFilter", c => c.MacFilters, conflicts: true);
        endpoints.Delete.ProducesProblem(StatusCodes.Status409Conflict); // the last enabled entry of an allow-list
        var group = endpoints.Group;
        group.MapGet("/this-device", GetThisDeviceAsync)
            .WithName("GetThisDevice")
            .WithSummary("The calling device as the router sees it on the LAN: address, MAC, and whether that MAC is listed and enabled.")
            .WithDescription("Uses the TCP peer address only (never X-Forwarded-For). 404 when the caller is not a neighbour on the LAN link, e.g. loopback.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/policy", async (MacFilterService filters, CancellationToken ct) => TypedResults.Ok(await filters.GetPolicyAsync(ct)))
            .WithName("GetMacPolicy");
        group.MapPut("/policy", PutPolicyAsync)
            .WithName("PutMacPolicy")
            .WithSummary("off, deny-listed (drop listed MACs) or allow-listed (drop all others).")
            .Accepts<MacPolicyInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<ThisDevice>, ProblemHttpResult>> GetThisDeviceAsync(
        HttpContext context, ThisDeviceService devices, CancellationToken ct)
    {
        var remote = context.Connection.RemoteIpAddress;
        try
        {
            return await devices.FindAsync(remote, ct) is { } device
                ? TypedResults.Ok(device)
                : ApiResults.NotFound($"{remote?.ToString() ?? "This client"} is not a neighbour on the LAN link; its MAC can't be checked.");
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    private static async Task<Results<Ok<MacPolicy>, ValidationProblem, ProblemHttpResult>> PutPolicyAsync(HttpRequest request, MacFilterService filters, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<MacPolicyInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        if (body.Value!.Mode is not { } mode)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mode"] = ["Required: off, deny-listed or allow-listed."] });
        }

        var outcome = await filters.SetPolicyAsync(new MacPolicy(mode), ct);
        return outcome.Kind switch
        {
            OutcomeKind.Ok => TypedResults.Ok(outcome.Value!),
            OutcomeKind.Invalid => ApiResults.Invalid(outcome),
            _ => ApiResults.Problem(outcome), // 409: allow-listing with nothing listed would lock the LAN out
        };
    }
}
