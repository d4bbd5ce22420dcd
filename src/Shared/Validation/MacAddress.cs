using System.Diagnostics.CodeAnalysis;

namespace Gateway.Shared.Validation;

/// <summary>MAC address parsing: accepts ':' or '-' separators in any case, normalises to "aa:bb:cc:dd:ee:ff".</summary>
public static class MacAddress
{
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (text is null || text.Length != 17)
        {
            return false;
        }

        var separator = text[2];
        if (separator is not (':' or '-'))
        {
            return false;
        }

        Span<char> result = stackalloc char[17];
        for (var i = 0; i < 17; i++)
        {
            var c = text[i];
            if (i % 3 == 2)
            {
                if (c != separator)
                {
                    return false;
                }

                result[i] = ':';
            }
            else
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }

                result[i] = char.ToLowerInvariant(c);
            }
        }

        normalized = new string(result);
        return true;
    }

    /// <summary>True for a multicast/broadcast MAC (low bit of the first octet), which is never a source.</summary>
    public static bool IsGroupAddress(string normalized) =>
        (Convert.ToByte(normalized[..2], 16) & 1) == 1;
}
