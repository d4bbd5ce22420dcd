namespace Gateway.Shared.Config;

/// <summary>
/// What wrote a firewall log line. One type for the logging policy, the compiler's log prefixes
/// (<c>gw &lt;word&gt; …</c>) and the kmsg parser, so the three can't drift apart.
/// </summary>
public enum FirewallCategory
{
    DroppedInput,
    DroppedForward,
    PortForward,
    MacFilter,
    Dos,
    Rule,
}

public static class FirewallCategories
{
    public static IReadOnlyList<FirewallCategory> All { get; } = Enum.GetValues<FirewallCategory>();

    /// <summary>The word in log prefixes and on the wire ("dropped-input", "rule", ...).</summary>
    public static string ToWord(this FirewallCategory category) => category switch
    {
        FirewallCategory.DroppedInput => "dropped-input",
        FirewallCategory.DroppedForward => "dropped-forward",
        FirewallCategory.PortForward => "port-forward",
        FirewallCategory.MacFilter => "mac-filter",
        FirewallCategory.Dos => "dos",
        FirewallCategory.Rule => "rule",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown category."),
    };

    /// <summary>Whether lines of this category name the item that wrote them (<c>gw rule 7 …</c>).</summary>
    public static bool CarriesId(this FirewallCategory category) => category is FirewallCategory.PortForward or FirewallCategory.Rule;

    public static bool TryParse(ReadOnlySpan<char> word, out FirewallCategory category)
    {
        foreach (var candidate in All)
        {
            if (word.SequenceEqual(candidate.ToWord()))
            {
                category = candidate;
                return true;
            }
        }

        category = default;
        return false;
    }
}
