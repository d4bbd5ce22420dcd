namespace Gateway.Web.AgentLink;

/// <summary>Runs the agent channel's connect/reconnect loop and the apply pump for the lifetime of the web.</summary>
internal sealed class AgentLinkWorker : BackgroundService
{
    private readonly AgentChannel _channel;
    private readonly ApplyPump _pump;

    /// <param name="link">Resolved here so every part (the feed above all) listens before the first frame arrives.</param>
    public AgentLinkWorker(AgentChannel channel, ApplyPump pump, AgentClient link)
    {
        ArgumentNullException.ThrowIfNull(link);
        _channel = channel;
        _pump = pump;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_channel.RunAsync(stoppingToken), _pump.RunAsync(stoppingToken));
}
