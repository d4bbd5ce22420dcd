using Gateway.Agent.Netlink;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Conntrack;

/// <summary>Every second, while someone is connected: one sample (<see cref="ConntrackSampler"/>, with the UPnP mapping count), pushed as a <c>conntrack</c> frame.</summary>
public sealed partial class ConntrackPublisher(ClientHub hub, RulesetManager rulesets, ILogger<ConntrackPublisher> logger, Upnp.MiniupnpdSupervisor? upnp = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        ConntrackClient? client = null;
        ConntrackSampler? sampler = null;
        string? lastError = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (hub.Count == 0)
                {
                    continue;
                }

                try
                {
                    if (client is null || sampler is null)
                    {
                        client = new ConntrackClient();
                        sampler = new ConntrackSampler(client);
                    }

                    // Two procfs reads a second: conntrack loads with the first ruleset, and from then on entries count bytes.
                    Connections.ConntrackSwitches.TurnOn();
                    var applied = rulesets.AppliedConfig;
                    var sample = sampler.Sample(applied);
                    // The live mappings (a listing of one short chain), only while UPnP is on.
                    hub.Broadcast(upnp is not null && applied?.Upnp.Enabled == true ? sample with { UpnpMappings = upnp.MappingCount() } : sample);
                    lastError = null;
                }
                catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
                {
                    client?.Dispose();
                    client = null;
                    sampler = null;
                    if (ex.Message != lastError)
                    {
                        LogSampleFailed(ex.Message);
                        lastError = ex.Message;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            client?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conntrack sample failed: {Error}")]
    private partial void LogSampleFailed(string error);
}
