using System.Globalization;
using System.Text;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>One element of a compiled set or map: its key (what <c>delete element</c> names) and its whole text (key, comment, value).</summary>
public sealed record CompiledElement(string Key, string Text);

/// <summary>The elements of one named set or map of the compiled table, in the order the compiler wrote them.</summary>
public sealed record CompiledSet(string Name, IReadOnlyList<CompiledElement> Elements);

/// <summary>
/// A compiled <c>table inet gateway</c> split in two: the skeleton (every chain, rule, object and set declaration,
/// rule counters without their values) and the elements of each named set or map. Two tables with equal skeletons
/// differ only in elements, so the kernel can be moved from one to the other by <c>add element</c> /
/// <c>delete element</c> (<see cref="TableDelta"/>) instead of a whole-table replace.
/// </summary>
public sealed class CompiledTable
{
    private readonly string _skeleton;
    private readonly IReadOnlyList<Splice> _splices;

    internal CompiledTable(string skeleton, IReadOnlyList<Splice> splices, IReadOnlyList<CompiledSet> sets)
    {
        _skeleton = skeleton;
        _splices = splices;
        Sets = sets;
    }

    /// <summary>The table without elements and without counter values; equal skeletons mean "only elements differ".</summary>
    public string Skeleton => _skeleton;

    /// <summary>Every named set or map that holds compiled elements (run-time filled sets such as <c>ph_mac_*</c> are not here).</summary>
    public IReadOnlyList<CompiledSet> Sets { get; }

    /// <summary>How many elements the table holds in all.</summary>
    public int ElementCount => Sets.Sum(s => s.Elements.Count);

    /// <summary>
    /// The whole table text, with <paramref name="counters"/> as the rule counters' starting values and
    /// <paramref name="quotas"/> (used bytes by rule id) as the rule quotas'.
    /// </summary>
    public string Text(IReadOnlyDictionary<int, RuleHits>? counters = null, IReadOnlyDictionary<int, long>? quotas = null)
    {
        var length = _skeleton.Length + Sets.Sum(s => s.Elements.Sum(e => e.Text.Length + 5) + 16);
        var text = new StringBuilder(length);
        var from = 0;
        foreach (var splice in _splices)
        {
            text.Append(_skeleton, from, splice.Offset - from);
            from = splice.Offset;
            if (splice.Set is { } set)
            {
                AppendElements(text, set.Elements);
            }
            else if (splice.Quota)
            {
                var used = quotas is not null && quotas.TryGetValue(splice.RuleId, out var value) ? Math.Max(0, value) : 0;
                text.Append(CultureInfo.InvariantCulture, $" used {used} bytes");
            }
            else
            {
                var packets = 0L;
                var bytes = 0L;
                if (counters is not null && counters.TryGetValue(splice.RuleId, out var hits))
                {
                    packets = Math.Max(0, hits.Packets);
                    bytes = Math.Max(0, hits.Bytes);
                }

                text.Append(CultureInfo.InvariantCulture, $" packets {packets} bytes {bytes}");
            }
        }

        text.Append(_skeleton, from, _skeleton.Length - from);
        return text.ToString();
    }

    private static void AppendElements(StringBuilder text, IReadOnlyList<CompiledElement> elements)
    {
        if (elements.Count == 0)
        {
            return;
        }

        text.Append('\t', 2).Append("elements = {\n");
        for (var i = 0; i < elements.Count; i++)
        {
            text.Append('\t', 3).Append(elements[i].Text).Append(i + 1 < elements.Count ? ",\n" : "\n");
        }

        text.Append('\t', 2).Append("}\n");
    }

    /// <summary>
    /// Where the full text inserts a set's elements (<see cref="Set"/>), a rule counter's values (<see cref="RuleId"/>)
    /// or, with <see cref="Quota"/>, a rule quota's used bytes.
    /// </summary>
    internal readonly record struct Splice(int Offset, CompiledSet? Set, int RuleId, bool Quota = false);
}
