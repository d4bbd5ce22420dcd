using Gateway.Agent.Ipc;
using Microsoft.Extensions.Hosting;

namespace Gateway.Agent.Nft;

/// <summary>
/// Every 2 seconds, while someone is connected: the traffic rules' counters, pushed as a <c>counters</c> frame
/// (the web shows hits at most 5 s old). A new client gets its first sample within one period.
/// </summary>
public sealed class CountersPublisher(ClientHub hub, RulesetManager rulesets) : BackgroundService
{
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (hub.Count > 0)
                {
                    hub.Broadcast(await rulesets.SampleCountersAsync(stoppingToken).ConfigureAwait(false));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
