using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Bench.E2e;

/// <summary>
/// (f) The agent's CPU with N conntrack entries that device accounting counts, beside what a user would otherwise
/// run: <c>conntrack -L</c> once every 2 s over the same span. The entries come from
/// <see cref="ConntrackFill.LanHosts"/> LAN hosts that the router knows as permanent neighbours on br-lan, so every
/// entry maps to a device (synthetic entries from unknown sources are parsed but never reach the ledger). The
/// idle figure is measured first, with the neighbours in place and no entries but the lab's own.
/// </summary>
internal sealed partial class AccountingCpu(BenchOptions options, BenchLab lab)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>How often the comparison runs <c>conntrack -L</c> (the accountant dumps every 2 s too).</summary>
    private static readonly TimeSpan ListEvery = TimeSpan.FromSeconds(2);

    private const string MacPrefix = "02:be:00:00:";

    /// <summary>Measures and returns the table rows.</summary>
    public async Task<IReadOnlyList<string>> RunAsync()
    {
        AddNeighbours();
        var emptyCount = Count();
        var (idle, idleWeb) = await CpuOverAsync(lab, Window);
        Console.WriteLine($"(f) idle: {emptyCount} conntrack entries, {ConntrackFill.LanHosts} LAN neighbours: agent {idle:F1} % of one core, web {idleWeb:F1} %");

        var fill = Stopwatch.StartNew();
        var code = Self.RunInside(lab.RouterNs, "ctfill-lan", ["--entries", options.Entries.ToString(CultureInfo.InvariantCulture)]);
        if (code != 0)
        {
            throw new InvalidOperationException("conntrack fill failed");
        }

        var count = Count();
        Console.WriteLine($"(f) router conntrack table: {count} entries (filled in {fill.Elapsed.TotalSeconds:F1} s)");

        // Accounting must hold them before the window: the web reports each device's connections from the
        // accountant's last dump (it polls every 5 s).
        var (devices, counted) = await WaitCountedAsync(options.Entries, TimeSpan.FromSeconds(90));
        Console.WriteLine($"(f) device accounting counts {counted:N0} connections on {devices} devices (GET /api/v1/devices)");
        var threads0 = Threads(lab.AgentPid);
        var (agent, web) = await CpuOverAsync(lab, Window);
        var byThread = ByThreadName(threads0, Threads(lab.AgentPid));
        var memory = ProcStat.Memory(lab.AgentPid);
        Console.WriteLine($"(f) CPU over {Window.TotalSeconds:F0} s: agent {agent:F1} % of one core, web {web:F1} %; agent RSS {memory.Rss:F0} MiB (peak {memory.Peak:F0})");
        Console.WriteLine($"(f) the agent's threads over the window, by name: {byThread}");

        var (listCpu, walls) = ListEveryTwoSeconds();
        var list = listCpu / Window.TotalSeconds * 100;
        Console.WriteLine($"(f) conntrack -L > /dev/null every {ListEvery.TotalSeconds:F0} s over {Window.TotalSeconds:F0} s: {list:F1} % of one core (CPU {listCpu * 1000:F0} ms; each run [{string.Join(", ", walls.Select(w => w.ToString("F0", CultureInfo.InvariantCulture)))}] ms wall)");

        if (options.HoldSeconds > 0)
        {
            Console.WriteLine($"    holding the lab {options.HoldSeconds} s: agent pid {lab.AgentPid}, web pid {lab.WebPid}");
            await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds));
        }

        return
        [
            $"| (f) the agent's CPU with {count} conntrack entries, device accounting on ({counted:N0} connections on {devices} devices; its 2 s dumps, the 1 s sampling and all else, over {Window.TotalSeconds:F0} s) | {agent:F1} % of one core (web {web:F1} %; by thread: {byThread}) | `conntrack -L` every {ListEvery.TotalSeconds:F0} s: {list:F1} % of one core | goal ≤ 10 % |",
            $"| (f) the idle agent, {emptyCount} conntrack entries (same config, same neighbours) | {idle:F1} % of one core (web {idleWeb:F1} %) | | |",
        ];
    }

    /// <summary>CPU time of the agent and the web over <paramref name="span"/>, each as % of one core.</summary>
    public static async Task<(double Agent, double Web)> CpuOverAsync(BenchLab lab, TimeSpan span)
    {
        var agent0 = ProcStat.CpuSeconds(lab.AgentPid);
        var web0 = ProcStat.CpuSeconds(lab.WebPid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(span);
        var seconds = clock.Elapsed.TotalSeconds;
        return ((ProcStat.CpuSeconds(lab.AgentPid) - agent0) / seconds * 100, (ProcStat.CpuSeconds(lab.WebPid) - web0) / seconds * 100);
    }

    /// <summary>Each thread of <paramref name="pid"/>: its name (comm, 15 characters) and CPU seconds so far.</summary>
    private static Dictionary<string, (string Name, double Seconds)> Threads(int pid)
    {
        var threads = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                threads[Path.GetFileName(task)] = (name, ProcStat.CpuSeconds(stat));
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return threads;
    }

    /// <summary>
    /// The CPU between two readings grouped by thread name, as % of one core over <see cref="Window"/>, the busiest
    /// first. The accountant dumps on a ".NET Long Running Task" thread (the neighbour and kernel-log listeners, which
    /// mostly wait, run on threads of that name too); the connection sampler and the counters on thread-pool workers.
    /// </summary>
    private static string ByThreadName(Dictionary<string, (string Name, double Seconds)> before, Dictionary<string, (string Name, double Seconds)> after) =>
        string.Join(", ", after
            .Select(t => (t.Value.Name, Seconds: t.Value.Seconds - (before.TryGetValue(t.Key, out var b) ? b.Seconds : 0)))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Percent: g.Sum(t => t.Seconds) / Window.TotalSeconds * 100, Count: g.Count()))
            .Where(g => g.Percent > 0)
            .OrderByDescending(g => g.Percent)
            .Take(5)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Name} ×{g.Count} {g.Percent:F1} %")));

    /// <summary>The fill's hosts as permanent (complete) neighbours on the router's LAN bridge, one batch.</summary>
    private void AddNeighbours()
    {
        var lines = Enumerable.Range(0, ConntrackFill.LanHosts).Select(k =>
        {
            var address = ConntrackFill.FirstLanHost + (uint)k;
            return $"neigh replace 192.168.50.{address & 0xff} lladdr {MacPrefix}{k >> 8:x2}:{k & 0xff:x2} dev br-lan nud permanent";
        });
        var path = Path.Combine(lab.StateDir, "neighbours.batch");
        File.WriteAllLines(path, lines);
        Shell.Run("ip", "-n", lab.RouterNs, "-batch", path);
    }

    private string Count() => Shell.Run("ip", "netns", "exec", lab.RouterNs, "conntrack", "-C").Trim();

    /// <summary>Polls GET /api/v1/devices until the fill's devices hold <paramref name="entries"/> connections between them.</summary>
    private async Task<(int Devices, long Connections)> WaitCountedAsync(int entries, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ours = (await lab.Api.GetFromJsonAsync<JsonArray>("/api/v1/devices"))!
                .Select(d => d!.AsObject())
                .Where(d => d["mac"]!.GetValue<string>().StartsWith(MacPrefix, StringComparison.OrdinalIgnoreCase))
                .ToList();
            var connections = ours.Sum(d => d["connections"]!.GetValue<long>());
            if (connections >= entries)
            {
                return (ours.Count, connections);
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"device accounting counts {connections:N0} of {entries:N0} entries on {ours.Count} devices after {timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// <c>conntrack -L</c> into /dev/null at 0, 2, 4, … s of the window, each under bash, whose <c>times</c> gives
    /// the child's user + system CPU: (CPU seconds of all runs, each run's wall ms).
    /// </summary>
    private (double CpuSeconds, List<double> WallMs) ListEveryTwoSeconds()
    {
        var runs = (int)(Window / ListEvery);
        var clock = Stopwatch.StartNew();
        var walls = new List<double>();
        double cpu = 0;
        for (var i = 0; i < runs; i++)
        {
            var wait = (ListEvery * i) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            var began = clock.Elapsed;
            var output = Shell.Run("ip", "netns", "exec", lab.RouterNs, "bash", "-c", "conntrack -L >/dev/null 2>&1; times");
            walls.Add((clock.Elapsed - began).TotalMilliseconds);
            // times: the shell's own user and system time, then its children's ("0m0.120s 0m0.040s").
            var children = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
            cpu += TimesPattern().Matches(children).Sum(m =>
                (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 60) + double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        return (cpu, walls);
    }

    [GeneratedRegex(@"(\d+)m([\d.]+)s")]
    private static partial Regex TimesPattern();
}
