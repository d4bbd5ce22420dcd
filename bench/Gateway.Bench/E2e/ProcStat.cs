using System.Globalization;

namespace Gateway.Bench.E2e;

/// <summary>What /proc says about a process: resident memory and CPU time.</summary>
internal static class ProcStat
{
    /// <summary>VmRSS and VmHWM (peak) in MiB.</summary>
    public static (double Rss, double Peak) Memory(int pid)
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    /// <summary>utime + stime of the process (all its threads), in seconds.</summary>
    public static double CpuSeconds(int pid) => CpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>utime + stime from the text of a stat file (/proc/pid/stat or /proc/pid/task/tid/stat), in seconds.</summary>
    public static double CpuSeconds(string stat)
    {
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / 100.0; // USER_HZ is 100 on Linux
    }

    /// <summary>
    /// /proc/pid/smaps_rollup in MiB: Rss, Pss, and the resident split into anonymous memory (heap, JIT'd code and
    /// its second W^X mapping, stacks) and file-backed pages (mapped assemblies and native libraries).
    /// </summary>
    public static Smaps Rollup(int pid)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                values[line[..colon]] = Kib(line[colon..]) / 1024.0;
            }
        }

        double Get(string key) => values.GetValueOrDefault(key);
        return new Smaps(Get("Rss"), Get("Pss"), Get("Anonymous"), Get("Rss") - Get("Anonymous"), DoubleMapped(pid));
    }

    /// <summary>Resident MiB of the runtime's W^X code mappings (a memfd named doublemapper, so not "Anonymous").</summary>
    private static double DoubleMapped(int pid)
    {
        double kib = 0;
        var inside = false;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var first = line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? line[..space] : line;
            if (first.Contains('-', StringComparison.Ordinal) && !first.Contains(':', StringComparison.Ordinal))
            {
                inside = line.Contains("doublemapper", StringComparison.Ordinal); // a mapping's header line
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                kib += Kib(line);
            }
        }

        return kib / 1024.0;
    }

    /// <param name="File">Resident pages that are not anonymous: mapped files (assemblies, native libraries) and shared memory (the W^X mapping).</param>
    internal sealed record Smaps(double Rss, double Pss, double Anon, double File, double DoubleMapped)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Rss:F0} (PSS {Pss:F0}; anon {Anon:F0}, file+shm {File:F0}, of it W^X map {DoubleMapped:F0})");
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
