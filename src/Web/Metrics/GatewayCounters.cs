using System.Collections.Concurrent;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Metrics;

/// <summary>
/// What only the web can count, from the agent link's events: applies by result, their duration, and firewall
/// log lines by category and level. Counted since this web process started (Prometheus reads a restart as a
/// counter reset); everything kernel-side is read at scrape time instead.
/// </summary>
public sealed class GatewayCounters : IDisposable
{
    /// <summary>Seconds: an empty table applies in ~5 ms, 10,000 forwards in ~50 ms; a stuck apply takes seconds.</summary>
    public static readonly IReadOnlyList<double> ApplyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly AppliedState _applied;
    private readonly AgentFeed _feed;
    private long _appliesOk;
    private long _appliesError;
    private readonly ConcurrentDictionary<(string Category, string Level), long> _logLines = new();

    public GatewayCounters(AppliedState applied, AgentFeed feed)
    {
        _applied = applied;
        _feed = feed;
        applied.Applied += OnApplied;
        feed.LogReceived += OnLog;
    }

    public Histogram ApplyDuration { get; } = new(ApplyBuckets);

    public long AppliesOk => Interlocked.Read(ref _appliesOk);

    public long AppliesError => Interlocked.Read(ref _appliesError);

    /// <summary>Log lines received, by category word and level word.</summary>
    public IReadOnlyList<KeyValuePair<(string Category, string Level), long>> LogLines() =>
        [.. _logLines.OrderBy(p => p.Key.Category, StringComparer.Ordinal).ThenBy(p => p.Key.Level, StringComparer.Ordinal)];

    public void Dispose()
    {
        _applied.Applied -= OnApplied;
        _feed.LogReceived -= OnLog;
    }

    internal void OnApplied(AppliedEvent applied)
    {
        Interlocked.Increment(ref applied.Ok ? ref _appliesOk : ref _appliesError);
        if (applied.DurationMs >= 0)
        {
            ApplyDuration.Observe(applied.DurationMs / 1000.0);
        }
    }

    internal void OnLog(FirewallLogEntry entry)
    {
        // The agent sends only known categories; an unknown word is still counted, under its own (escaped) label.
        var level = entry.Level == FirewallLogLevel.Off ? "off" : entry.Level.ToWord();
        _logLines.AddOrUpdate((entry.Category, level), 1, (_, n) => n + 1);
    }
}
