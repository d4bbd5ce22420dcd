namespace Gateway.Web.Api;

/// <summary>All of REST v1 under /api/v1.</summary>
public static class GatewayApi
{
    public static RouteGroupBuilder MapGatewayApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1")
            .DisableAntiforgery() // bearer tokens and SameSite=Strict cookies; no form posts here
            .ProducesProblem(StatusCodes.Status409Conflict) // setup-required before setup
            .AddEndpointFilter<Confirm.ConfirmQueryFilter>(); // ?confirm=<seconds> on any write
        api.MapSetup();
        api.MapInterfaces();
        api.MapTokens();
        api.MapStatus();
        api.MapNetwork();
        api.MapPortForwards();
        api.MapMacFilters();
        api.MapRules();
        api.MapProtection();
        api.MapOneToOne();
        api.MapRedirects();
        api.MapMirrors();
        api.MapPinholes();
        api.MapPolicyRoutes();
        api.MapDhcp();
        api.MapStaticLeases();
        api.MapDns();
        api.MapUpnp();
        api.MapWan();
        api.MapHelpers();
        api.MapLogging();
        api.MapLogs();
        api.MapConntrack();
        api.MapConnections();
        api.MapDevices();
        api.MapRuleset();
        api.MapConfig();
        api.MapApply();
        return api;
    }
}
