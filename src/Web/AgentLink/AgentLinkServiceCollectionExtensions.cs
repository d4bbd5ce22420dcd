using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Web.AgentLink;

public static class AgentLinkServiceCollectionExtensions
{
    /// <summary>
    /// The agent link's parts, all singletons, and the worker that runs them. Nothing here resolves services at run
    /// time: the pump reads the desired state through <see cref="IDesiredStateSource"/>.
    /// </summary>
    public static IServiceCollection AddAgentLink(this IServiceCollection services, IConfiguration agentSection)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AgentLinkOptions>().Bind(agentSection);
        services.AddSingleton<AgentChannel>();
        services.AddSingleton<AppliedState>();
        services.AddSingleton<AgentFeed>();
        services.AddSingleton<ConfirmState>();
        services.TryAddSingleton<IDesiredStateSource, DesiredStateSource>();
        services.AddSingleton<ApplyPump>();
        services.AddSingleton<AgentClient>();
        services.AddHostedService<AgentLinkWorker>();
        return services;
    }
}
