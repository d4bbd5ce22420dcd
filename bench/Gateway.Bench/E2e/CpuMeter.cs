using System.Globalization;

namespace Gateway.Bench.E2e;

/// <summary>
/// CPU time (utime + stime from /proc/pid/stat) the web and the agent spent between <see cref="Start"/> and
/// <see cref="PerWrite"/>: unlike latency, not inflated when other work shares the machine.
/// </summary>
internal sealed class CpuMeter
{
    private readonly BenchLab _lab;
    private readonly double _web;
    private readonly double _agent;

    private CpuMeter(BenchLab lab)
    {
        _lab = lab;
        _web = ProcStat.CpuSeconds(lab.WebPid);
        _agent = ProcStat.CpuSeconds(lab.AgentPid);
    }

    public static CpuMeter Start(BenchLab lab) => new(lab);

    /// <summary>"web X ms, agent Y ms" of CPU per write (10 ms resolution over the whole span, so many writes give a fair mean).</summary>
    public string PerWrite(int writes)
    {
        var web = (ProcStat.CpuSeconds(_lab.WebPid) - _web) * 1000 / writes;
        var agent = (ProcStat.CpuSeconds(_lab.AgentPid) - _agent) * 1000 / writes;
        return string.Create(CultureInfo.InvariantCulture, $"web {web:F1} ms, agent {agent:F1} ms");
    }
}
