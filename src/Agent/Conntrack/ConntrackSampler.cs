using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Conntrack;

/// <summary>
/// Builds the once-a-second <see cref="ConntrackSample"/>. The total, the maximum and the kernel's counters come from
/// the cheap stats requests every time; the breakdown by protocol and by mark needs a dump of the whole table, which
/// costs about 3 µs of kernel and agent time per entry (0.3–0.6 s for 100,000 entries). So the dump is repeated only
/// once its own duration is at most <see cref="DumpShare"/> of the time since the last one began: every second
/// while the table is small, every ~10 s at 100,000 entries. Between dumps the sample carries the last breakdown.
/// </summary>
public sealed class ConntrackSampler(ConntrackClient client, TimeProvider? time = null)
{
    /// <summary>The share of wall time the agent may spend dumping the table (5 %: half the 10 % budget of one core).</summary>
    public const double DumpShare = 0.05;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConntrackTally _tally = new();
    private long _nextDump;
    private bool _dumped;

    /// <summary>When the last breakdown was taken (what <see cref="ConntrackSample.ByProtocol"/> and the per-id counts describe).</summary>
    public DateTimeOffset BreakdownAt { get; private set; }

    /// <summary>True when the last <see cref="Sample"/> dumped the table.</summary>
    public bool LastDumped { get; private set; }

    public ConntrackSample Sample(GatewayConfig? applied)
    {
        var (entries, max) = client.Totals();
        var stats = client.CpuStats();
        var now = _time.GetTimestamp();
        LastDumped = !_dumped || now >= _nextDump;
        if (LastDumped)
        {
            client.Dump(_tally);
            var took = _time.GetElapsedTime(now);
            _nextDump = now + (long)(Math.Max(TimeSpan.FromSeconds(1).TotalSeconds, took.TotalSeconds / DumpShare) * _time.TimestampFrequency)
                - (_time.TimestampFrequency / 10); // a tick of the 1 s timer that comes a little early still dumps
            _dumped = true;
            BreakdownAt = _time.GetUtcNow();
        }

        return new ConntrackSample(
            entries >= 0 ? entries : _tally.Total,
            max >= 0 ? max : ConntrackClient.ReadMax(),
            _tally.ByProtocol(),
            Counts(applied?.PortForwards.Where(f => f.Enabled && f.Id > 0).Select(f => f.Id), CtMarks.PortForward),
            _time.GetUtcNow(),
            Counts(applied?.OneToOne.Where(o => o.Enabled && o.Id > 0).Select(o => o.Id), CtMarks.OneToOne),
            Counts(applied?.Pinholes.Where(p => p.Enabled && p.Id > 0).Select(p => p.Id), CtMarks.Pinhole),
            stats,
            _tally.ByFamily(),
            // A mapping's connections carry the kind alone (no id): one count for all of them, while UPnP is on.
            applied?.Upnp.Enabled == true ? _tally.ByMark.GetValueOrDefault(CtMarks.UpnpKind) : null);
    }

    private List<ForwardConnections> Counts(IEnumerable<int>? ids, Func<int, uint> mark) =>
        ids?.Select(id => new ForwardConnections(id, _tally.ByMark.GetValueOrDefault(mark(id)))).ToList() ?? [];
}
