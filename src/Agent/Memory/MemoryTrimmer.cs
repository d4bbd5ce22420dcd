using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Memory;

/// <summary>
/// Every 2 s (reading /proc/self/statm costs microseconds), <see cref="HeapTrim"/>: after any burst the apply path
/// did not trim itself (an element update, a listing, the conntrack sampler), a router's agent returns to a few
/// tens of MB instead of keeping its peak.
/// </summary>
public sealed partial class MemoryTrimmer(HeapTrim trim, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (trim.IfGrown() is { } trimmed)
                {
                    LogTrimmed(trimmed.Before >> 20, trimmed.After >> 20);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Memory trimmed: {Before} MiB resident before, {After} MiB after")]
    private partial void LogTrimmed(long before, long after);
}
