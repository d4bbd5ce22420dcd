using System.Text;
using Gateway.Agent.Upnp;

namespace Gateway.Agent.Nft;

/// <summary>
/// A whole-table apply that keeps the rules miniupnpd put in its chains. <c>delete table</c> would take them along
/// (and miniupnpd, which reads its mappings back from the kernel, would forget them), and re-creating them from a
/// listing gives them new handles under a daemon that caches the old ones. So, in one transaction: every other chain
/// is flushed and deleted, every set, map and named object deleted, and the new table added; its declarations of
/// the kept chains (empty bodies) add nothing to chains that exist, so their rules and handles stay.
/// </summary>
public static class KeptChains
{
    // The top-level objects `nft -t list table` prints, and the word `delete` needs for each.
    private static readonly (string Listed, string Delete)[] Kinds =
    [
        ("chain ", "chain"), ("set ", "set"), ("map ", "map"), ("counter ", "counter"), ("quota ", "quota"),
        ("limit ", "limit"), ("ct helper ", "ct helper"), ("ct timeout ", "ct timeout"),
        ("ct expectation ", "ct expectation"), ("flowtable ", "flowtable"), ("secmark ", "secmark"), ("synproxy ", "synproxy"),
    ];

    /// <summary>True when <paramref name="table"/> declares miniupnpd's chains, so an apply of it must keep theirs.</summary>
    public static bool Declared(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.Contains($"\n\tchain {MiniupnpdConfig.DstnatChain} {{", StringComparison.Ordinal);
    }

    /// <summary>
    /// The script that replaces the table listed (tersely) as <paramref name="listing"/> with <paramref name="table"/>
    /// and keeps the kept chains' rules; null when the listing holds none of them or something this can't name (then
    /// a plain replace is right, or the safe fallback).
    /// </summary>
    public static string? Script(string listing, string table)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(table);
        var flush = new StringBuilder();
        var delete = new StringBuilder();
        var kept = 0;
        foreach (var line in listing.Split('\n'))
        {
            // Objects sit one tab deep, opening a block (some close it on the same line: a limit, a counter); their
            // bodies deeper; the table's own settings (its comment) open none.
            var brace = line.IndexOf(" {", StringComparison.Ordinal);
            if (line.Length < 2 || line[0] != '\t' || line[1] == '\t' || brace < 0)
            {
                continue;
            }

            var body = line[1..brace];
            var kind = Array.FindIndex(Kinds, k => body.StartsWith(k.Listed, StringComparison.Ordinal));
            if (kind < 0)
            {
                return null;
            }

            var name = body[Kinds[kind].Listed.Length..];
            if (!IsIdentifier(name))
            {
                return null;
            }

            if (Kinds[kind].Delete == "chain" && MiniupnpdConfig.Chains.Contains(name))
            {
                kept++;
                continue;
            }

            var target = $"inet {RulesetCompiler.TableName} {name}";
            if (Kinds[kind].Delete == "chain")
            {
                flush.Append("flush chain ").Append(target).Append('\n');
            }

            delete.Append("delete ").Append(Kinds[kind].Delete).Append(' ').Append(target).Append('\n');
        }

        return kept == 0 ? null : $"{flush}{delete}{table}";
    }

    private static bool IsIdentifier(string name) =>
        name.Length is > 0 and <= 256 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/');
}
