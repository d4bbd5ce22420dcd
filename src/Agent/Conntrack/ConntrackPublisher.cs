using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Conntrack;

/// <summary>Every second, while someone is connected: one ctnetlink dump, pushed as a <c>conntrack</c> frame.</summary>
public sealed partial class ConntrackPublisher(ClientHub hub, RulesetManager rulesets, ILogger<ConntrackPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        ConntrackClient? client = null;
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
                    client ??= new ConntrackClient();
                    hub.Broadcast(Sample(client, rulesets));
                    lastError = null;
                }
                catch (Exception ex) when (ex is ConntrackException or InvalidDataException)
                {
                    client?.Dispose();
                    client = null;
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

    /// <summary>
    /// One sample: totals by protocol and the count of each enabled forward, 1:1 entry and IPv6 pinhole (0 when idle). A forward's
    /// mark is its bare id; a 1:1 entry's carries the kind byte (<see cref="CtMarks"/>), so neither counts as the other.
    /// </summary>
    public static ConntrackSample Sample(ConntrackClient client, RulesetManager rulesets)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(rulesets);
        var tally = client.Dump();
        var forwards = rulesets.AppliedConfig?.PortForwards
            .Where(f => f.Enabled && f.Id > 0)
            .Select(f => new ForwardConnections(f.Id, tally.ByMark.GetValueOrDefault(CtMarks.PortForward(f.Id))))
            .ToList() ?? [];
        var oneToOne = rulesets.AppliedConfig?.OneToOne
            .Where(o => o.Enabled && o.Id > 0)
            .Select(o => new ForwardConnections(o.Id, tally.ByMark.GetValueOrDefault(CtMarks.OneToOne(o.Id))))
            .ToList() ?? [];
        var pinholes = rulesets.AppliedConfig?.Pinholes
            .Where(p => p.Enabled && p.Id > 0)
            .Select(p => new ForwardConnections(p.Id, tally.ByMark.GetValueOrDefault(CtMarks.Pinhole(p.Id))))
            .ToList() ?? [];
        return new ConntrackSample(tally.Total, ConntrackClient.ReadMax(), tally.ByProtocol(), forwards, DateTimeOffset.UtcNow, oneToOne, pinholes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conntrack sample failed: {Error}")]
    private partial void LogSampleFailed(string error);
}
