using Microsoft.Extensions.Options;

namespace Gateway.Web.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The <c>/metrics</c> renderer, its counters (subscribed to the agent link from the start) and its options.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services, IConfiguration metricsSection)
    {
        services.AddOptions<MetricsOptions>()
            .Bind(metricsSection)
            .Validate(o => AnonymousScrapers.FirstInvalid(o.AllowAnonymousFrom) is null,
                "Metrics:AllowAnonymousFrom holds something that is not a CIDR (like 192.168.1.10/32, without host bits).")
            .ValidateOnStart();
        services.AddSingleton<GatewayCounters>();
        services.AddSingleton<AnonymousScrapers>();
        services.AddSingleton<MetricsRenderer>();
        return services;
    }
}
