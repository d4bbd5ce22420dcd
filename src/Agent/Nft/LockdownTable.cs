using Gateway.Agent.Lan;
using Gateway.Agent.Routing;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// The table the kernel holds while no snapshot can be applied: nothing is forwarded, and the router's own
/// services answer only on links that do not carry the default route (the uplinks it was built for are kept, so a
/// WAN lease that comes later rebuilds it). Logs through the apply manager's logger.
/// </summary>
public sealed partial class LockdownTable(IRulesetKernel kernel, ILogger logger, RoutingReconciler? routing, ManagedDaemons? daemons, PinholeSync? pinholes)
{
    // Non-null while the kernel holds the lockdown table: the uplinks it was built for.
    private IReadOnlyList<string>? _uplinks;

    /// <summary>True while the lockdown table is in the kernel.</summary>
    public bool Active => Volatile.Read(ref _uplinks) is not null;

    /// <summary>In lockdown, and the uplinks are no longer those the table was built for.</summary>
    public bool UplinksChanged() => _uplinks is { } uplinks && !uplinks.SequenceEqual(kernel.Uplinks(), StringComparer.Ordinal);

    /// <summary>
    /// Replaces whatever table is in the kernel with the lockdown (serving the first-boot LAN when
    /// <paramref name="firstBoot"/> is set); false when the kernel refused it.
    /// </summary>
    public bool Write(FirstBootLan? firstBoot)
    {
        var uplinks = kernel.Uplinks();
        var result = kernel.Replace(RulesetCompiler.Lockdown(uplinks, firstBoot?.Interface));
        if (!result.Ok)
        {
            LogLockdownFailed(result.Error);
            return false;
        }

        Volatile.Write(ref _uplinks, uplinks);
        return true;
    }

    /// <summary>
    /// After <see cref="Write"/>: with no config, the agent wants no 1:1 addresses, no LAN IPv6 address and no
    /// policy routing (and cleans up a previous run's); the pinhole sets went with the table.
    /// </summary>
    public void Settle(FirstBootLan? firstBoot)
    {
        routing?.Reconcile(null, firstBoot);
        daemons?.Serve(firstBoot is null ? null : ManagedDaemons.FirstBootConfig(firstBoot));
        pinholes?.Forget();
        var uplinks = _uplinks ?? [];
        LogLockdown(uplinks.Count == 0 ? "none" : string.Join(",", uplinks));
    }

    /// <summary>An applied config replaced the lockdown.</summary>
    public void Left() => Volatile.Write(ref _uplinks, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lockdown table applied (uplinks: {Uplinks}): nothing is forwarded and the router answers only on other links until a config is applied")]
    private partial void LogLockdown(string uplinks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not apply the lockdown table: {Error}")]
    private partial void LogLockdownFailed(string error);
}
