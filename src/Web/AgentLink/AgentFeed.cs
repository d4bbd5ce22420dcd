using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Options;

namespace Gateway.Web.AgentLink;

/// <summary>
/// The live data the agent pushes (a singleton): the latest conntrack sample and its history, the rules' hit
/// counters, the firewall log ring and the last drift, each also raised as an event for live pages. The sample
/// and the counters go with the connection; history, logs and drift outlive it.
/// </summary>
public sealed partial class AgentFeed
{
    private static readonly IReadOnlyDictionary<int, RuleHits> EmptyHits = new Dictionary<int, RuleHits>();
    private static readonly IReadOnlyDictionary<int, long> EmptyQuotas = new Dictionary<int, long>();

    private readonly TimeProvider _time;
    private readonly ILogger<AgentFeed> _logger;
    private readonly LogRing _logs;
    private readonly ConntrackHistory _totals;
    private ConntrackSample? _latestSample;
    private IReadOnlyDictionary<int, RuleHits> _latestRuleHits = EmptyHits;
    private CountersSample? _latestCounters;
    // Built once per counters frame: pages read it per rule on every render.
    private IReadOnlyDictionary<int, long> _latestQuotaUse = EmptyQuotas;
    private DriftEvent? _lastDrift;

    public AgentFeed(AgentChannel channel, IOptions<AgentLinkOptions> options, TimeProvider time, ILogger<AgentFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _time = time;
        _logger = logger;
        _logs = new LogRing(options.Value.LogCapacity);
        _totals = new ConntrackHistory(options.Value.HistoryRetention, TimeSpan.FromSeconds(1));
        channel.EventReceived += Handle;
        channel.SessionEnded += Clear;
    }

    public ConntrackSample? LatestSample => Volatile.Read(ref _latestSample);

    /// <summary>Each rule's counter from the agent's latest sample, by rule id; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, RuleHits> LatestRuleHits => Volatile.Read(ref _latestRuleHits);

    /// <summary>Each rule quota's used bytes from the agent's latest sample, by rule id; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, long> LatestQuotaUse => Volatile.Read(ref _latestQuotaUse);

    /// <summary>Log lines the agent's shared log limit suppressed, from its latest counters sample; null while disconnected or unreported.</summary>
    public long? LatestLogSuppressed => Volatile.Read(ref _latestCounters)?.LogSuppressed;

    /// <summary>Sources port-scan protection blocked, from the agent's latest counters sample; null while off, disconnected or unreported.</summary>
    public long? LatestPortScanBlocked => Volatile.Read(ref _latestCounters)?.PortScanBlocked;

    /// <summary>The last time the agent found its table changed under it; kept across reconnects.</summary>
    public DriftEvent? LastDrift => Volatile.Read(ref _lastDrift);

    public event Action<ConntrackSample>? SampleReceived;

    public event Action<FirewallLogEntry>? LogReceived;

    public event Action<CountersSample>? CountersReceived;

    public event Action<DriftEvent>? DriftDetected;

    /// <summary>Newest first, at <paramref name="minLevel"/> or more severe.</summary>
    public IReadOnlyList<FirewallLogEntry> RecentLogs(FirewallLogLevel minLevel, int limit) => _logs.Recent(minLevel, limit);

    /// <summary>
    /// The conntrack total over the last <paramref name="window"/> (at most <see cref="AgentLinkOptions.HistoryRetention"/>),
    /// oldest first, about one point a second. It survives a reconnect: a gap in the points is a time the agent was away.
    /// </summary>
    public IReadOnlyList<ConntrackPoint> TotalHistory(TimeSpan window) =>
        _totals.Since(_time.GetUtcNow() - (window < _totals.Retention ? window : _totals.Retention));

    /// <summary>Live connections of each 1:1 NAT entry by entry id, from the latest sample; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, long> LatestOneToOneConnections() => ById(LatestSample?.OneToOne);

    /// <summary>Live connections of each IPv6 pinhole by pinhole id, from the latest sample; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, long> LatestPinholeConnections() => ById(LatestSample?.Pinholes);

    private void Handle(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case ConntrackSample sample:
                Volatile.Write(ref _latestSample, sample);
                _totals.Add(new ConntrackPoint(sample.SampledAt, sample.Total)); // before the event, so subscribers see it
                Subscribers.Raise(SampleReceived, sample, _logger);
                break;
            case CountersSample counters:
                // A duplicate id (never sent by a sound agent) keeps the last one rather than failing the link.
                var hits = new Dictionary<int, RuleHits>();
                foreach (var rule in counters.Rules ?? [])
                {
                    hits[rule.Id] = rule;
                }

                var used = new Dictionary<int, long>();
                foreach (var quota in counters.Quotas ?? [])
                {
                    used[quota.Id] = quota.UsedBytes;
                }

                Volatile.Write(ref _latestRuleHits, hits);
                Volatile.Write(ref _latestQuotaUse, used);
                Volatile.Write(ref _latestCounters, counters);
                Subscribers.Raise(CountersReceived, counters, _logger);
                break;
            case DriftEvent drift:
                Volatile.Write(ref _lastDrift, drift);
                LogDrift(drift.What, drift.Repaired);
                Subscribers.Raise(DriftDetected, drift, _logger);
                break;
            case LogEvent log:
                foreach (var entry in log.Entries ?? [])
                {
                    _logs.Add(entry);
                    Subscribers.Raise(LogReceived, entry, _logger);
                }

                break;
        }
    }

    private void Clear()
    {
        Volatile.Write(ref _latestSample, null);
        Volatile.Write(ref _latestRuleHits, EmptyHits);
        Volatile.Write(ref _latestQuotaUse, EmptyQuotas);
        Volatile.Write(ref _latestCounters, null);
    }

    /// <summary>Connection counts of the latest sample keyed by entry id (the first wins should an id repeat).</summary>
    private static Dictionary<int, long> ById(IReadOnlyList<ForwardConnections>? entries)
    {
        var counts = new Dictionary<int, long>();
        foreach (var entry in entries ?? [])
        {
            counts.TryAdd(entry.Id, entry.Connections);
        }

        return counts;
    }

    [LoggerMessage(LogLevel.Warning, "The agent found its nftables table changed under it ({What}); repaired: {Repaired}.")]
    private partial void LogDrift(string what, bool repaired);
}
