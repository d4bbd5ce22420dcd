using Gateway.Agent.Links;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
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

    /// <summary>
    /// The router's links when <paramref name="config"/> has an enabled mirror, else none: listed once per apply for
    /// both <see cref="Loop"/> and <see cref="Sync"/>.
    /// </summary>
    public static IReadOnlyList<LinkInfo> Links(GatewayConfig config) =>
        config.Mirrors.Any(m => m.Enabled) ? LinkLister.List() : [];

    /// <summary>The loop check the agent repeats before it applies (<see cref="MirrorTable.Loop"/>): null when none.</summary>
    public static string? Loop(GatewayConfig config, IReadOnlyList<LinkInfo> links) =>
        config.Mirrors.Any(m => m.Enabled) ? MirrorTable.Loop(config, links) : null;

    public void Sync(GatewayConfig config, IReadOnlyList<LinkInfo> links)
    {
        var (table, skipped) = MirrorTable.Compile(config, links.Select(l => l.Name).ToHashSet(StringComparer.Ordinal));
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
