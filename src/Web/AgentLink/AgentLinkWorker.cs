namespace Gateway.Web.State;

/// <summary>Runs the agent link's connect/reconnect loop for the lifetime of the web.</summary>
internal sealed class AgentLinkWorker(AgentLink link) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => link.RunAsync(stoppingToken);
}
