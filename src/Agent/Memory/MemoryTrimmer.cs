using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Memory;

/// <summary>
/// Every 2 s (reading /proc/self/statm costs microseconds): when the resident set grew by more than <see cref="GrowthBytes"/> since the last look (a big apply:
/// the config frame, the compiled text, libnftables' parse), a compacting full GC and a malloc trim give the
/// garbage back, so a router's agent returns to a few tens of MB instead of keeping its peak. Costs a few ms,
/// only after such a burst.
/// </summary>
public sealed partial class MemoryTrimmer(ILogger<MemoryTrimmer> logger) : BackgroundService
{
    public const long GrowthBytes = 4L << 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var settled = NativeHeap.ResidentBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = NativeHeap.ResidentBytes();
                if (now - settled > GrowthBytes)
                {
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    NativeHeap.Trim();
                    settled = NativeHeap.ResidentBytes();
                    LogTrimmed(now >> 20, settled >> 20);
                }
                else
                {
                    settled = Math.Min(settled, now);
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
