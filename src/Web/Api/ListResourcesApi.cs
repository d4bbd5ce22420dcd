using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Api;

/// <summary>
/// The list resources that have nothing but the five routes of <see cref="ListResourceApi"/>: a registration each, and
/// what only it documents. MAC filters (<see cref="MacFiltersApi"/>) and rules (<see cref="RulesApi"/>) add routes.
/// </summary>
public static class ListResourcesApi
{
    /// <summary>/api/v1/port-forwards: enabled forwards overlapping on protocol and external ports → 409.</summary>
    public static RouteGroupBuilder MapPortForwards(this IEndpointRouteBuilder routes) =>
        routes.MapListResource<PortForwardService, PortForward, PortForwardInput>(
            "port-forwards", "Port forwards", "PortForwards", "PortForward", c => c.PortForwards, conflicts: true).Group;

    /// <summary>
    /// /api/v1/one-to-one: an external address or internal host twice among enabled entries, or an address the router
    /// already holds, is 409.
    /// </summary>
    public static RouteGroupBuilder MapOneToOne(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<OneToOneService, OneToOneNat, OneToOneInput>(
            "one-to-one", "1:1 NAT", "OneToOne", "OneToOneEntry", c => c.OneToOne, conflicts: true);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds an entry (enabled and addAddress default to true).");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }

    /// <summary>/api/v1/redirects: redirects to the router's own ports (REDIR).</summary>
    public static RouteGroupBuilder MapRedirects(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<RedirectService, Redirect, RedirectInput>(
            "redirects", "Redirects", "Redirects", "Redirect", c => c.Redirects, conflicts: false);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a redirect; inInterface defaults to the LAN, destination to any address but the router's.");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }

    /// <summary>/api/v1/mirrors: traffic mirrors (copies of one link's packets out of another).</summary>
    public static RouteGroupBuilder MapMirrors(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<MirrorService, Mirror, MirrorInput>(
            "mirrors", "Mirrors", "Mirrors", "Mirror", c => c.Mirrors, conflicts: true);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a mirror (enabled defaults to true, direction to both); toInterface must not be the mirrored link, a port of a mirrored bridge, or a link another enabled mirror copies from.");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }

    /// <summary>/api/v1/pinholes: IPv6 pinholes (inbound from the WAN to one LAN host's ports, no NAT).</summary>
    public static RouteGroupBuilder MapPinholes(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<PinholeService, Pinhole, PinholeInput>(
            "pinholes", "Pinholes", "Pinholes", "Pinhole", c => c.Pinholes, conflicts: false);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a pinhole to the host named by hostSuffix or mac; 409 when an enabled one opens the same host and ports already. Applies while network.lanIpv6 is set.");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }

    /// <summary>/api/v1/policy-routes: source-based routes; an enabled source twice is 409.</summary>
    public static RouteGroupBuilder MapPolicyRoutes(this IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapListResource<PolicyRouteService, PolicyRoute, PolicyRouteInput>(
            "policy-routes", "Policy routes", "PolicyRoutes", "PolicyRoute", c => c.PolicyRoutes, conflicts: true);
        endpoints.Get.ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.Create.WithSummary("Adds a policy route (masquerade defaults to true).");
        endpoints.Update.WithSummary("Replaces every field.");
        endpoints.Delete.ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints.Group;
    }
}
