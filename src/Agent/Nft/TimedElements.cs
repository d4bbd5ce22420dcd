using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Agent.Interop;

namespace Gateway.Agent.Nft;

/// <summary>An element of a timeout set as listed: the set, its key as nft takes it back, and the seconds it has left.</summary>
public sealed record TimedElement(string Set, string Key, long SecondsLeft);

/// <summary>
/// The elements of the timeout sets that fill at run time rather than from the config (the port-scan blocks, the
/// killed flows): listed with their expiry, and put back after a whole-table replace, which would otherwise forget
/// them. Each set's owner says how a listed value becomes a key; a value it cannot read is skipped.
/// </summary>
public static class TimedElements
{
    /// <summary>Every element of <paramref name="sets"/> now; a set that is absent (lockdown, no table) gives none.</summary>
    public static IReadOnlyList<TimedElement> List(IEnumerable<string> sets, Func<JsonElement, string?> keyOf)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var elements = new List<TimedElement>();
        foreach (var set in sets)
        {
            var result = NftApplier.Run($"list set inet {RulesetCompiler.TableName} {set}", LibNftables.OutputJson);
            if (result.Ok)
            {
                elements.AddRange(Parse(set, result.Output, keyOf));
            }
        }

        return elements;
    }

    /// <summary>
    /// The elements of one set in a <c>nft -j list set</c> listing: <c>{"elem": {"val": …, "expires": n}}</c> each (a
    /// timeout set lists every element so), with the key <paramref name="keyOf"/> makes of <c>val</c>; anything else is skipped.
    /// </summary>
    public static IReadOnlyList<TimedElement> Parse(string set, string json, Func<JsonElement, string?> keyOf)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(keyOf);
        var found = new List<TimedElement>();
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return found;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var body) || !body.TryGetProperty("elem", out var elems) || elems.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var elem in elems.EnumerateArray())
            {
                if (elem.TryGetProperty("elem", out var inner)
                    && inner.TryGetProperty("val", out var val) && keyOf(val) is { } key
                    && inner.TryGetProperty("expires", out var expires) && expires.TryGetInt64(out var seconds) && seconds > 0)
                {
                    found.Add(new TimedElement(set, key, seconds));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The lines that put <paramref name="elements"/> back into the sets of <paramref name="table"/> (those it declares),
    /// each with the time it had left: an apply neither frees a blocked source early nor forgets a killed flow.
    /// </summary>
    public static string CarryScript(string table, IEnumerable<TimedElement> elements)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(elements);
        var script = new StringBuilder();
        foreach (var group in elements.GroupBy(e => e.Set, StringComparer.Ordinal))
        {
            if (!table.Contains($"\tset {group.Key} {{", StringComparison.Ordinal))
            {
                continue;
            }

            // Keys were re-formatted from values the owner parsed (addresses, ports): never user text.
            script.Append("add element inet ").Append(RulesetCompiler.TableName).Append(' ').Append(group.Key).Append(" { ")
                .AppendJoin(", ", group.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} timeout {e.SecondsLeft}s")))
                .Append(" }\n");
        }

        return script.ToString();
    }
}
