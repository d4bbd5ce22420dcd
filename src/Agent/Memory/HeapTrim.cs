namespace Gateway.Agent.Memory;

/// <summary>
/// A compacting full GC and a malloc trim, done only when the resident set grew by more than
/// <see cref="GrowthBytes"/> since the last look (a big apply: the config frame, the compiled text, libnftables'
/// parse of it, ~150 MB of small blocks that malloc keeps once freed). Two callers: <see cref="Nft.RulesetManager"/>
/// right after a whole-table replace, so the apply's reply leaves with the memory already given back, and
/// <see cref="MemoryTrimmer"/> every 2 s for everything else. Costs a few ms, only after such a burst.
/// </summary>
/// <param name="resident">Reads the resident set in bytes.</param>
/// <param name="trim">Gives the garbage back (<see cref="OfThisProcess"/>: GC + <c>malloc_trim</c>).</param>
public sealed class HeapTrim(Func<long> resident, Action trim)
{
    public const long GrowthBytes = 4L << 20;

    private readonly Lock _lock = new();
    private long _settled = resident();

    /// <summary>The trim of this process: /proc/self/statm, a compacting full GC and <c>malloc_trim(0)</c>.</summary>
    public static HeapTrim OfThisProcess() => new(NativeHeap.ResidentBytes, () =>
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    });

    /// <summary>Trims if the resident set grew; returns the resident bytes before and after, or null when it did not grow.</summary>
    public (long Before, long After)? IfGrown()
    {
        lock (_lock)
        {
            var now = resident();
            if (now - _settled <= GrowthBytes)
            {
                _settled = Math.Min(_settled, now);
                return null;
            }

            trim();
            _settled = resident();
            return (now, _settled);
        }
    }
}
