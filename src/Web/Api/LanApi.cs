using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>
/// DHCP and DNS for the LAN: GET|PUT /api/v1/dhcp, GET /api/v1/dhcp/leases (live, from the agent), the static-leases
/// list resource and GET|PUT /api/v1/dns.
/// </summary>
public static class LanApi
{
    public static RouteGroupBuilder MapDhcp(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/dhcp").WithTags("DHCP").RequireApiAuth();
        group.MapGet("/", async (DhcpService dhcp, CancellationToken ct) => TypedResults.Ok(await dhcp.GetAsync(ct)))
            .WithName("GetDhcp");
        group.MapPut("/", PutDhcpAsync)
            .WithName("PutDhcp")
            .WithSummary("Replaces the DHCP settings. A missing field takes its default (enabled, 43200 s, \"lan\"); no range at all is the LAN's default range.")
            .Accepts<DhcpInput>("application/json");
        group.MapGet("/leases", LeasesAsync)
            .WithName("ListDhcpLeases")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>/api/v1/static-leases: a MAC, an address or a name twice among enabled leases is 409.</summary>
    public static RouteGroupBuilder MapStaticLeases(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<StaticLeaseService, StaticLease, StaticLeaseInput>(
            "static-leases", "DHCP", "StaticLeases", "StaticLease", c => c.StaticLeases, conflicts: true);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a static lease (enabled unless told otherwise): the device with that MAC always gets that address, and the name resolves on the LAN.");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }

    public static RouteGroupBuilder MapDns(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/dns").WithTags("DNS").RequireApiAuth();
        group.MapGet("/", async (DnsService dns, CancellationToken ct) => TypedResults.Ok(await dns.GetAsync(ct)))
            .WithName("GetDns");
        group.MapPut("/", PutDnsAsync)
            .WithName("PutDns")
            .WithSummary("Replaces the DNS settings. A missing field takes its default (enabled, no upstream servers, no local names).")
            .Accepts<DnsInput>("application/json");
        return group;
    }

    private static async Task<Results<Ok<DhcpSettings>, ValidationProblem, ProblemHttpResult>> PutDhcpAsync(
        HttpRequest request, DhcpService dhcp, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<DhcpInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await dhcp.UpdateAsync(body.Value!, ct));
    }

    private static async Task<Results<Ok<DnsSettings>, ValidationProblem, ProblemHttpResult>> PutDnsAsync(
        HttpRequest request, DnsService dns, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<DnsInput>(request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Saved(await dns.UpdateAsync(body.Value!, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<DhcpLease>>, ProblemHttpResult>> LeasesAsync(AgentClient agent, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await agent.GetLeasesAsync(ct));
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }
}
