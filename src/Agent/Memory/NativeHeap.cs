using System.Globalization;
using System.Runtime.InteropServices;

namespace Gateway.Agent.Memory;

/// <summary>
/// glibc's malloc, which libnftables uses: parsing a 10,000-forward script allocates ~150 MB in small blocks, freed
/// afterwards but kept by malloc — in one arena per thread that ran an apply (up to 8 per core), so a few applies on
/// thread-pool threads left 4 arenas of ~40 MB each resident (measured with bench/, see README "Agent memory and
/// NativeAOT"). Two arenas bound that, and a trim after a burst gives the freed pages back to the kernel.
/// </summary>
internal static partial class NativeHeap
{
    private const int ArenaMaxOption = -8; // M_ARENA_MAX

    /// <summary>At most two malloc arenas: the agent's native work (libnftables) is one apply at a time.</summary>
    public static void LimitArenas() => _ = MallOpt(ArenaMaxOption, 2);

    /// <summary>Returns free pages of every arena to the kernel (malloc_trim(0)).</summary>
    public static void Trim() => _ = MallocTrim(0);

    /// <summary>Resident set size of this process in bytes, from /proc/self/statm (pages).</summary>
    public static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
