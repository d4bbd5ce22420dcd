namespace Gateway.Shared.Validation;

/// <summary>Single-field rules shared by the web (400 answers) and the agent (re-validation).</summary>
public static class FieldRules
{
    public const int MaxNameLength = 64;

    /// <summary>
    /// A name's bound in UTF-8 bytes: 64 text elements can be far longer than 64 emoji (a family emoji is one element of
    /// 25 bytes), and the agent frame that carries every name needs a bound it can count on.
    /// </summary>
    public const int MaxNameBytes = 256;

    /// <summary>What <see cref="IsName"/> refuses, in the words of a 400.</summary>
    public static readonly string NameMessage =
        $"1–{MaxNameLength} characters, at most {MaxNameBytes} bytes in UTF-8 (some emoji take many), no control characters.";
    public const int MaxPortRange = 1024;
    public const int MaxPortForwards = 16384;
    public const int MaxMacFilters = 16384;
    public const int MaxRatePerMinute = 10000;
    public const int MaxBurst = 10000;
    public const int MaxRules = 4096;
    public const int MaxOneToOne = 256;
    public const int MaxRedirects = 256;
    public const int MaxPinholes = 1024;
    /// <summary>One routing table and one rule priority each, out of the 1,000 (30000–30999) the agent owns.</summary>
    public const int MaxPolicyRoutes = 1000;
    public const int MaxRatePerSecond = 100000;

    /// <summary>The largest rule quota: 1 PiB, far beyond a home link, well inside nft's 64-bit byte count.</summary>
    public const long MaxQuotaBytes = 1L << 50;

    /// <summary>What <see cref="IsAccountName"/> refuses, in the words of a 400.</summary>
    public const string AccountNameMessage = "A system account name: 1–32 of a–z A–Z 0–9 _ . - starting with a letter or _ (an optional trailing $).";

    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    /// <summary>
    /// User and group names as shadow-utils accepts them (a letter or '_' first, then letters, digits, '_', '.', '-',
    /// an optional trailing '$', at most 32): nothing that could leave a name lookup or an nft quote, whatever is later
    /// done with it.
    /// </summary>
    public static bool IsAccountName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var body = name.EndsWith('$') ? name[..^1] : name;
        if (body.Length == 0 || !(char.IsAsciiLetter(body[0]) || body[0] == '_'))
        {
            return false;
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return false;
            }
        }

        return name.Length <= 32;
    }

    /// <summary>
    /// One named link (<see cref="IsInterfaceName"/> without the wildcard): what a daemon's file, a netdev chain or
    /// a mirror can name, since each of those needs exactly one link.
    /// </summary>
    public static bool IsLinkName([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        name is not null && IsInterfaceName(name) && !name.EndsWith('*');

    /// <summary>
    /// Linux link names: 1–15 bytes, no '/', whitespace or ':' — we allow only [A-Za-z0-9_.-] so the name
    /// is always safe inside nft quotes — plus one optional trailing '*' wildcard ("ppp*"). Not "." or "..".
    /// </summary>
    public static bool IsInterfaceName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var body = name.EndsWith('*') ? name[..^1] : name;
        if (body.Length is 0 or > 15 || body is "." or "..")
        {
            return false;
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the link <paramref name="name"/> is one an interface setting names, as nft's iifname/oifname match
    /// it: "ppp*" matches every link whose name starts with "ppp"; any other setting matches only itself.
    /// </summary>
    public static bool InterfaceMatches(string pattern, string name) =>
        pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern;

    /// <summary>
    /// Names: 1–64 characters as a person counts them (text elements: "🔥" or "é" written as e + accent is one), at most
    /// <see cref="MaxNameBytes"/> UTF-8 bytes, not blank, no control characters, line separators or lone surrogates.
    /// </summary>
    public static bool IsName(string? name)
    {
        // The UTF-16 length bounds the work before text elements are counted (each element is at least one unit).
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameBytes)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        // Lone surrogates were refused above, so the UTF-8 count is exact.
        return System.Text.Encoding.UTF8.GetByteCount(name) <= MaxNameBytes
            && new System.Globalization.StringInfo(name).LengthInTextElements <= MaxNameLength;
    }
}
