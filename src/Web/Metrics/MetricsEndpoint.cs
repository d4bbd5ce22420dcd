using System.Net;
using Gateway.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text format, for a bearer token or — without one — a client inside
/// <see cref="MetricsOptions.AllowAnonymousFrom"/>. Anyone else gets 401 problem+json (never the login page:
/// a scraper can't follow it).
/// </summary>
public static class MetricsEndpoint
{
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        // Resolved now, before the hosted services start, so the counters see the agent link's first "applied".
        routes.ServiceProvider.GetRequiredService<GatewayCounters>();
        return routes.MapGet("/metrics", ServeAsync).ExcludeFromDescription();
    }

    private static async Task ServeAsync(HttpContext context, MetricsRenderer renderer, AnonymousScrapers anonymous)
    {
        var token = await context.AuthenticateAsync(AuthSchemes.Bearer);
        if (!token.Succeeded && !anonymous.Allows(context.Connection.RemoteIpAddress))
        {
            await ApiProblems.UnauthorizedAsync(context, token.None
                ? "Send Authorization: Bearer <token>, or scrape from an address in Metrics:AllowAnonymousFrom."
                : "The bearer token is unknown or revoked.");
            return;
        }

        var body = await renderer.RenderAsync(context.RequestAborted);
        context.Response.ContentType = PrometheusText.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}

/// <summary>The parsed <see cref="MetricsOptions.AllowAnonymousFrom"/> networks.</summary>
public sealed class AnonymousScrapers(IOptions<MetricsOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _networks = [.. options.Value.AllowAnonymousFrom.Select(c => IPNetwork.Parse(c.Trim()))];

    public bool Allows(IPAddress? remote)
    {
        if (remote is null || _networks.Count == 0)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return _networks.Any(network => network.Contains(remote));
    }

    /// <summary>Null when every entry is a CIDR without host bits (as <see cref="IPNetwork.TryParse(string, out IPNetwork)"/> wants), else the first bad one.</summary>
    public static string? FirstInvalid(IEnumerable<string> cidrs) =>
        cidrs.FirstOrDefault(c => !IPNetwork.TryParse(c?.Trim(), out _));
}
