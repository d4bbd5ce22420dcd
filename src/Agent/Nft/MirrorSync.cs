using Gateway.Agent.Links;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// Keeps <c>table netdev gateway_mirror</c> at what the applied config's mirrors compile to (<see cref="MirrorTable"/>):
/// written after every successful apply when its text changed, and always the first time (a table left by an earlier
/// run goes). A failure is logged and leaves the main table applied: copies are an observer's aid, never a reason to
/// refuse the firewall.
/// </summary>
public sealed partial class MirrorSync(ILogger<MirrorSync> logger)
{
    private bool _synced;
    private string? _written;

    /// <summary>The loop check the agent repeats before it applies (<see cref="MirrorTable.Loop"/>): null when none.</summary>
    public static string? Loop(GatewayConfig config) =>
        config.Mirrors.Any(m => m.Enabled) ? MirrorTable.Loop(config, LinkLister.List()) : null;

    public void Sync(GatewayConfig config)
    {
        var links = config.Mirrors.Any(m => m.Enabled) ? LinkLister.List().Select(l => l.Name).ToHashSet(StringComparer.Ordinal) : [];
        var (table, skipped) = MirrorTable.Compile(config, links);
        foreach (var reason in skipped)
        {
            LogMirrorSkipped(reason);
        }

        if (_synced && string.Equals(table, _written, StringComparison.Ordinal))
        {
            return;
        }

        var result = NftApplier.Run(MirrorTable.Script(table));
        if (!result.Ok)
        {
            LogMirrorsRefused(result.Error);
            return;
        }

        _written = table;
        _synced = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Traffic mirror left out: {Reason}")]
    private partial void LogMirrorSkipped(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The kernel refused the traffic mirrors: {Error}")]
    private partial void LogMirrorsRefused(string error);
}
