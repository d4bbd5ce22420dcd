using System.Text;

namespace Gateway.Agent.Nft;

/// <summary>
/// The element updates that turn one compiled table into another with the same skeleton: per set, the keys to
/// delete (gone, or whose text changed: a new value or comment) and the elements to add. One script, so
/// libnftables sends it as one transaction: a packet sees the old elements or the new ones, never a mix.
/// </summary>
public sealed record TableDelta(string Script, int Deleted, int Added)
{
    /// <summary>True when the two tables are the same: nothing to send.</summary>
    public bool IsEmpty => Deleted == 0 && Added == 0;

    /// <summary>
    /// The delta from <paramref name="before"/> to <paramref name="after"/>, or null when the skeletons differ
    /// (or a set holds one key twice with different texts, which an element update could not express): then only
    /// a whole-table replace gets there.
    /// </summary>
    public static TableDelta? Between(CompiledTable before, CompiledTable after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!string.Equals(before.Skeleton, after.Skeleton, StringComparison.Ordinal) || before.Sets.Count != after.Sets.Count)
        {
            return null;
        }

        var deletes = new StringBuilder();
        var adds = new StringBuilder();
        int deleted = 0, added = 0;
        for (var i = 0; i < after.Sets.Count; i++)
        {
            var old = ByKey(before.Sets[i]);
            var now = ByKey(after.Sets[i]);
            if (old is null || now is null || before.Sets[i].Name != after.Sets[i].Name)
            {
                return null;
            }

            var gone = old.Where(e => !now.TryGetValue(e.Key, out var text) || text != e.Value).Select(e => e.Key).ToList();
            var come = after.Sets[i].Elements.Where(e => !old.TryGetValue(e.Key, out var text) || text != e.Text).Select(e => e.Text).Distinct(StringComparer.Ordinal).ToList();
            Append(deletes, "delete", after.Sets[i].Name, gone);
            Append(adds, "add", after.Sets[i].Name, come);
            deleted += gone.Count;
            added += come.Count;
        }

        // Deletes first: an edited element is deleted and re-added under the same key in the same transaction.
        return new TableDelta(deletes.Append(adds).ToString(), deleted, added);
    }

    /// <summary>Key → text, or null when one key carries two different texts.</summary>
    private static Dictionary<string, string>? ByKey(CompiledSet set)
    {
        var byKey = new Dictionary<string, string>(set.Elements.Count, StringComparer.Ordinal);
        foreach (var element in set.Elements)
        {
            if (byKey.TryGetValue(element.Key, out var text) && text != element.Text)
            {
                return null;
            }

            byKey[element.Key] = element.Text;
        }

        return byKey;
    }

    private static void Append(StringBuilder script, string verb, string set, List<string> elements)
    {
        if (elements.Count == 0)
        {
            return;
        }

        script.Append(verb).Append(" element inet ").Append(RulesetCompiler.TableName).Append(' ').Append(set).Append(" {\n");
        for (var i = 0; i < elements.Count; i++)
        {
            script.Append('\t').Append(elements[i]).Append(i + 1 < elements.Count ? ",\n" : "\n");
        }

        script.Append("}\n");
    }
}
