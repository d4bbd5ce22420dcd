using System.Globalization;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// The traffic rules' hit counts as the web sees them: never lower than a value already reported for the same
/// rule id. The kernel's counters can step back when an apply replaces the table (packets counted between the
/// pre-apply read and the replace are lost) or when someone else rebuilt it; the web must not see that.
/// Ids that leave the applied config are forgotten, so a later rule reusing the id starts from its own count.
/// </summary>
public sealed class RuleCounters
{
    /// <summary>
    /// Pseudo rule ids of the named log counters (<c>log_tried</c>, <c>log_logged</c>): real rule ids are positive,
    /// so these ride along the rule counters through reading, carrying over and clamping.
    /// </summary>
    public const int LogTriedId = -1;

    /// <inheritdoc cref="LogTriedId"/>
    public const int LogLoggedId = -2;

    /// <summary>Pseudo rule id of the named counter <c>portscan_blocked</c> (declared while port-scan protection is on).</summary>
    public const int PortScanBlockedId = -3;

    /// <summary>The ids of the log counters, which every compiled table declares.</summary>
    public static readonly IReadOnlyList<int> LogIds = [LogTriedId, LogLoggedId];

    private readonly Lock _lock = new();
    private readonly Dictionary<int, RuleHits> _highest = [];
    private long _suppressed;

    /// <summary>
    /// Clamps <paramref name="readings"/> to the highest values reported so far, one entry per id of
    /// <paramref name="ids"/> in that order (a rule without a reading keeps its last value, or 0), and
    /// forgets every other id.
    /// </summary>
    public IReadOnlyList<RuleHits> Observe(IReadOnlyList<int> ids, IReadOnlyDictionary<int, RuleHits> readings)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(readings);
        lock (_lock)
        {
            var keep = ids.ToHashSet();
            foreach (var gone in _highest.Keys.Where(id => !keep.Contains(id)).ToList())
            {
                _highest.Remove(gone);
            }

            var sample = new List<RuleHits>(ids.Count);
            foreach (var id in ids)
            {
                var hits = Highest(id, readings.GetValueOrDefault(id));
                _highest[id] = hits;
                sample.Add(hits);
            }

            return sample;
        }
    }

    /// <summary>
    /// The values a new table should start with for <paramref name="ids"/>: each the larger of the kernel's
    /// reading and what was already reported, so neither the kernel nor the web ever sees a rule's count drop.
    /// Changes nothing; <see cref="Observe"/> records them once the table is in.
    /// </summary>
    public IReadOnlyDictionary<int, RuleHits> CarryOver(IEnumerable<int> ids, IReadOnlyDictionary<int, RuleHits> readings)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(readings);
        lock (_lock)
        {
            var carried = new Dictionary<int, RuleHits>();
            foreach (var id in ids.Distinct())
            {
                var hits = Highest(id, readings.GetValueOrDefault(id));
                if (hits.Packets > 0 || hits.Bytes > 0)
                {
                    carried[id] = hits;
                }
            }

            return carried;
        }
    }

    /// <summary>
    /// Log lines the shared limit suppressed (<c>log_tried</c> - <c>log_logged</c> packets) out of
    /// <paramref name="hits"/> as <see cref="Observe"/> returned them, never below a value already reported.
    /// </summary>
    public long Suppressed(IReadOnlyList<RuleHits> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var tried = hits.FirstOrDefault(h => h.Id == LogTriedId)?.Packets ?? 0;
        var logged = hits.FirstOrDefault(h => h.Id == LogLoggedId)?.Packets ?? 0;
        lock (_lock)
        {
            _suppressed = Math.Max(_suppressed, Math.Max(0, tried - logged));
            return _suppressed;
        }
    }

    private RuleHits Highest(int id, RuleHits? reading)
    {
        var known = _highest.GetValueOrDefault(id);
        return new RuleHits(
            id,
            Math.Max(reading?.Packets ?? 0, known?.Packets ?? 0),
            Math.Max(reading?.Bytes ?? 0, known?.Bytes ?? 0));
    }

    /// <summary>
    /// The rule counters (<c>rule_&lt;id&gt;</c>) and the log counters (<c>log_tried</c>, <c>log_logged</c>, under
    /// <see cref="LogTriedId"/> and <see cref="LogLoggedId"/>) among a table's named counters; other names are ignored.
    /// </summary>
    public static IReadOnlyDictionary<int, RuleHits> FromNamed(IEnumerable<NamedCounter> named)
    {
        ArgumentNullException.ThrowIfNull(named);
        var counters = new Dictionary<int, RuleHits>();
        foreach (var counter in named)
        {
            if (IdOf(counter.Name) is { } id)
            {
                counters[id] = new RuleHits(id, counter.Packets, counter.Bytes);
            }
        }

        return counters;
    }

    private static int? IdOf(string name) => name switch
    {
        "log_tried" => LogTriedId,
        "log_logged" => LogLoggedId,
        RulesetCompiler.PortScanBlockedCounter => PortScanBlockedId,
        // Out-of-range numbers can only come from a table we did not write; skip rather than fail.
        _ when name.StartsWith("rule_", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 => id,
        _ => null,
    };
}
