using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// The rule counters as the web sees them: read from the kernel, clamped so no rule's count ever goes down, and
/// carried over into every rebuilt table (<see cref="RuleCounters"/>). Not thread-safe: the apply gate serialises
/// every call.
/// </summary>
public sealed class CounterSampling(IRulesetKernel kernel)
{
    private readonly RuleCounters _counters = new();

    /// <summary>The counters a compiled table of <paramref name="config"/> declares: its rules' and the log counters.</summary>
    public static List<int> Ids(GatewayConfig? config) =>
        config is null ? [] : [.. config.Rules.Where(r => r.Id > 0).Select(r => r.Id).Distinct(), .. RuleCounters.LogIds, .. PortScanIds(config)];

    private static IEnumerable<int> PortScanIds(GatewayConfig config) =>
        config.Protection?.PortScanOrOff.Enabled == true ? [RuleCounters.PortScanBlockedId] : [];

    /// <summary>
    /// The counters of the table of <paramref name="applied"/> now, and the log lines the shared limit suppressed
    /// (null while no applied table is in).
    /// </summary>
    public CountersSample Sample(GatewayConfig? applied)
    {
        var ids = Ids(applied);
        var readings = ids.Count == 0 ? new Dictionary<int, RuleHits>() : kernel.ReadCounters();
        var observed = _counters.Observe(ids, readings);
        var suppressed = ids.Count == 0 ? (long?)null : _counters.Suppressed(observed);
        var blocked = observed.FirstOrDefault(h => h.Id == RuleCounters.PortScanBlockedId)?.Packets;
        return new CountersSample([.. observed.Where(h => h.Id > 0)], DateTimeOffset.UtcNow, suppressed, PortScanBlocked: blocked);
    }

    /// <summary>
    /// The values a rebuilt table's counters start from: the kernel's when <paramref name="trusted"/> (the table in
    /// the kernel has the agent's own counter objects), never below what was already reported.
    /// </summary>
    public IReadOnlyDictionary<int, RuleHits> CarryOver(List<int> ids, bool trusted)
    {
        var readings = trusted && ids.Count > 0 ? kernel.ReadCounters() : new Dictionary<int, RuleHits>();
        return _counters.CarryOver(ids, readings);
    }

    /// <summary>A rebuilt table is in: its counters start from the carried values.</summary>
    public void Started(List<int> ids, IReadOnlyDictionary<int, RuleHits> carried) => _counters.Observe(ids, carried);
}
