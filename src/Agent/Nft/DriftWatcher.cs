using Gateway.Agent.Ipc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// Every few seconds: asks <see cref="RulesetManager.CheckDriftAsync"/> whether <c>table inet gateway</c> is
/// still the one the agent wrote (and, in lockdown, whether the uplinks or the missing LAN link changed), and
/// pushes a <c>drift</c> frame to connected clients when it had to repair the table.
/// </summary>
public sealed partial class DriftWatcher(RulesetManager rulesets, ClientHub hub, ILogger<DriftWatcher> logger) : BackgroundService
{
    /// <summary>How often the table is checked; tests shorten it.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await rulesets.CheckDriftAsync(stoppingToken).ConfigureAwait(false) is { } drift)
                    {
                        hub.Broadcast(drift);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // One failed check (procfs, libnftables) must not end the watch; the next tick tries again.
                    LogCheckFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift check failed: {Error}")]
    private partial void LogCheckFailed(string error);
}
