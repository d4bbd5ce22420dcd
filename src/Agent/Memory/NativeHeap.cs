using System.Globalization;
using Gateway.Agent.Interop;

namespace Gateway.Agent.Memory;

/// <summary>
/// glibc's malloc, which libnftables uses: parsing a 10,000-forward script allocates ~150 MB in small blocks, freed
/// afterwards but kept by malloc — in one arena per thread that ran an apply (up to 8 per core), so a few applies on
/// thread-pool threads left 4 arenas of ~40 MB each resident (measured with bench/, see README "Agent memory and
/// NativeAOT"). Two arenas bound that, and a trim after a burst gives the freed pages back to the kernel.
/// </summary>
internal static class NativeHeap
{
    /// <summary>At most two malloc arenas: the agent's native work (libnftables) is one apply at a time.</summary>
    public static void LimitArenas() => _ = Libc.MallOpt(Libc.ArenaMaxOption, 2);

    /// <summary>Returns free pages of every arena to the kernel (malloc_trim(0)).</summary>
    public static void Trim() => _ = Libc.MallocTrim(0);

    /// <summary>Resident set size of this process in bytes, from /proc/self/statm (pages).</summary>
    public static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }
}
